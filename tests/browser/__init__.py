"""Browser tests: the portal in Debian's Chromium through Playwright."""
