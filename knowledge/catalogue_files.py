"""Stores the checked files of a catalogue import in threads, each copy kept only on commit.

Storing is I/O (copy, fsync, rename): a few threads overlap the waits. Every stored copy belongs
to the session's transaction (uploads.remove_unless_committed): an import that refuses a row or
fails to commit leaves no file behind. The checks before it: knowledge.file_check_pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session

from knowledge.file_check_pool import FileRefusal
from knowledge.file_rules import CheckedFile, UploadRejected
from knowledge.file_storage import store_file
from knowledge.uploads import AcceptedFile, FileStore, remove_unless_committed

#: Threads copying checked files into the store at once.
STORING_THREADS = 8


def store_files(
    session: Session, store: FileStore, checked: Sequence[tuple[Path, CheckedFile]]
) -> list[AcceptedFile | FileRefusal]:
    """Copy each checked file into the store, each copy removed again unless `session` commits.

    A file that changed since its check (or cannot be copied) comes back as a FileRefusal; the
    others are stored all the same, and removed with the transaction that the caller refuses.
    """
    with ThreadPoolExecutor(max_workers=STORING_THREADS) as pool:
        futures = [pool.submit(store_file, store.data_dir, path, item) for path, item in checked]
    results: list[AcceptedFile | FileRefusal] = []
    failure: BaseException | None = None
    for future, (_, item) in zip(futures, checked, strict=True):
        try:
            key = future.result()
        except UploadRejected as rejected:
            results.append(FileRefusal(rejected.message, rejected.params))
            continue
        except Exception as error:  # noqa: BLE001 - raised below, once every copy is registered
            failure = failure or error
            continue
        accepted = AcceptedFile(item, key)
        remove_unless_committed(session, store.data_dir, accepted)
        results.append(accepted)
    if failure is not None:
        raise failure
    return results
