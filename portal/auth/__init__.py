"""Accounts: organisations, users, passwords, API tokens, account requests and permissions."""
