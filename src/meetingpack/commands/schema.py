"""`pack schema`: write a JSON Schema for every kind of YAML file, for editors to validate and complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .. import model

SCHEMAS: dict[str, Any] = {
    "site.schema.json": model.Site,
    "committee.schema.json": model.Committee,
    "workplan.schema.json": model.WorkPlan,
    "meeting.schema.json": model.Meeting,
    "recommendations.schema.json": model.Recommendations,
    "document-front-matter.schema.json": model.DocumentMeta,
}


def schemas() -> dict[str, str]:
    """Each schema's file name and its JSON text."""
    out = {}
    for name, cls in SCHEMAS.items():
        schema = TypeAdapter(cls).json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = name
        out[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
