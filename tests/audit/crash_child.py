"""Child process for the kill -9 test: opens records, streams some text, then
waits to be killed. argv: DSN JOURNAL_DIR up|down."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from vlgate.audit.config import AuditSettings
from vlgate.audit.record import AuditRecord, RecordStatus
from vlgate.audit.store import AuditStore
from vlgate.audit.writer import AuditWriter


class DeadStore:
    def upsert_rows(self, rows: Any) -> int:
        raise ConnectionError("unreachable")

    def mark_interrupted(self, **kw: Any) -> int:
        return 0

    def ping(self) -> None:
        raise ConnectionError("unreachable")


def main() -> None:
    dsn, journal, mode = sys.argv[1:4]
    settings = AuditSettings(dsn=dsn, journal_dir=Path(journal), policy="spool")
    store = AuditStore.from_dsn(dsn)
    sink = store if mode == "up" else DeadStore()
    writer = AuditWriter(sink, settings, instance_id="gw-crash")  # type: ignore[arg-type]
    writer.start()
    done = AuditRecord("done", tenant="acme")
    writer.open(done)
    done.answer, done.status = "finished answer", RecordStatus.COMPLETED
    writer.complete(done)
    for rid in ("cut-1", "cut-2"):
        writer.open(AuditRecord(rid, tenant="acme", decided_mode="thinking"))
    text = ""
    for i in range(50):
        text += f"w{i} "
        writer.progress("cut-1", answer=None, reasoning=text)
    writer.progress("cut-2", answer="partial answer", reasoning="full thought")
    if mode == "up":
        writer.flush(10)
    print("READY", flush=True)
    sys.stdin.read()  # the parent kills us here


if __name__ == "__main__":
    main()
