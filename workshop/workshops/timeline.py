"""When each stage of a meeting began and how long it took (from `Workshop.stage_log`)."""

from __future__ import annotations

from datetime import datetime

from workshop.workshops.models import Workshop


def stage_since(workshop: Workshop) -> str | None:
    """When the current stage began (ISO), if the stage log has it."""
    log = workshop.stage_log or []
    if log and log[-1].get("stage") == workshop.stage:
        return log[-1].get("at")
    return None


def stage_times(workshop: Workshop) -> list[dict]:
    """The meeting's stages with start, end and whole minutes (the last ends at closing)."""
    log = [e for e in (workshop.stage_log or []) if e.get("stage") and e.get("at")]
    rows = []
    for entry, after in zip(log, [*log[1:], None], strict=True):
        if entry["stage"] == "closed":
            break
        start = datetime.fromisoformat(entry["at"])
        end = datetime.fromisoformat(after["at"]) if after else None
        rows.append(
            {
                "stage": entry["stage"],
                "start": entry["at"],
                "end": after["at"] if after else None,
                "minutes": round((end - start).total_seconds() / 60) if end else None,
            }
        )
    return rows
