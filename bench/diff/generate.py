"""Generate two contracts of N operations, the second with random edits, for the diff benchmark.

    python bench/diff/generate.py [--operations 2000] [--edits 200] [--seed 7] [--out DIR]

Writes DIR/base.yaml and DIR/revision.yaml (default /tmp/nbkit-bench-diff), and the
same documents as DIR/base.json and DIR/revision.json, to time the parser apart.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

__all__ = ["EDITS", "generate", "main"]

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _request_schema(rng: random.Random) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["prompt"],
        "properties": {
            "prompt": {"type": "string", "minLength": 1, "maxLength": rng.choice([500, 2000])},
            "video_model": {
                "type": "string",
                "enum": ["seedance2", "veo3", "sora2"],
                "default": "seedance2",
            },
            "resolution": {"type": "string", "enum": ["480p", "720p", "1080p"], "default": "480p"},
            "duration": {"type": "integer", "minimum": 3, "maximum": 12, "default": 5},
            "aspect_ratio": {"type": "string", "pattern": "^[1-9][0-9]*:[1-9][0-9]*$"},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 32}},
        },
    }


def _operation(i: int, rng: random.Random) -> dict[str, Any]:
    error = {"$ref": "#/components/responses/Error"}
    return {
        "operationId": f"operation{i}",
        "x-nbkit-rate-limit": {"limit": 30, "window_seconds": 1800, "window": "rolling"},
        "parameters": [
            {"name": "trace", "in": "header", "schema": {"type": "string"}},
            {"name": "dry_run", "in": "query", "schema": {"type": "boolean", "default": False}},
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _request_schema(rng)}},
        },
        "responses": {
            "200": {
                "description": "generated",
                "headers": {
                    "X-RateLimit-Limit": {"$ref": "#/components/headers/Limit"},
                    "X-RateLimit-Remaining": {"$ref": "#/components/headers/Limit"},
                },
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["success", "video_id", "rate_limit"],
                            "properties": {
                                "success": {"const": True},
                                "video_id": {"type": "string", "pattern": "^vid_[a-z0-9]+$"},
                                "video_url": {"type": "string", "format": "uri"},
                                "credits_used": {"type": "integer", "minimum": 0},
                                "rate_limit": {"$ref": "#/components/schemas/RateLimit"},
                            },
                        }
                    }
                },
            },
            "400": error,
            "401": error,
            "429": error,
            "500": error,
        },
    }


def _base(operations: int, rng: random.Random) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "diff benchmark", "version": "1"},
        "security": [{"bearerAuth": []}, {"apiKeyHeader": []}, {"apiKeyQuery": []}],
        "paths": {f"/api/v1/op-{i}.php": {"post": _operation(i, rng)} for i in range(operations)},
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
            },
            "headers": {"Limit": {"required": True, "schema": {"type": "integer", "minimum": 0}}},
            "schemas": {
                "ApiKey": {"type": "string", "pattern": "^nb_\\S+$"},
                "RateLimit": {
                    "type": "object",
                    "required": ["count", "limit", "remaining"],
                    "properties": {
                        "count": {"type": "integer", "minimum": 0},
                        "limit": {"type": "integer", "minimum": 1},
                        "remaining": {"type": "integer", "minimum": 0},
                    },
                },
            },
            "responses": {
                "Error": {
                    "description": "error envelope",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["success", "error"],
                                "properties": {
                                    "success": {"const": False},
                                    "error": {"type": "string"},
                                },
                            }
                        }
                    },
                }
            },
        },
    }


def _body(op: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = op["requestBody"]["content"]["application/json"]["schema"]
    return schema


def _reply(op: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = op["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


# Each edit changes one operation in place, the way a contract author would.
EDITS: tuple[Callable[[dict[str, Any], random.Random], None], ...] = (
    lambda op, rng: _body(op)["properties"]["prompt"].update(maxLength=rng.choice([250, 4000])),
    lambda op, rng: _body(op)["properties"].pop("tags"),
    lambda op, rng: _body(op)["required"].append("video_model"),
    lambda op, rng: _body(op)["properties"]["resolution"]["enum"].pop(),
    lambda op, rng: _body(op)["properties"]["resolution"].update(default="720p"),
    lambda op, rng: _body(op)["properties"]["duration"].update(maximum=15),
    lambda op, rng: _body(op)["properties"].update(motion_intensity={"type": "string"}),
    lambda op, rng: _reply(op)["properties"]["video_id"].update(type="integer"),
    lambda op, rng: _reply(op)["properties"].pop("video_url"),
    lambda op, rng: _reply(op)["required"].remove("rate_limit"),
    lambda op, rng: op["responses"].pop("429"),
    lambda op, rng: op["responses"].update({"403": {"$ref": "#/components/responses/Error"}}),
    lambda op, rng: op["responses"]["200"]["headers"].pop("X-RateLimit-Remaining"),
    lambda op, rng: op["parameters"].pop(),
    lambda op, rng: op["parameters"][0].update(required=True),
    lambda op, rng: op.update(security=[{"bearerAuth": []}]),
    lambda op, rng: op["x-nbkit-rate-limit"].update(limit=10),
)


def generate(operations: int, edits: int, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A base contract and a revision with `edits` random edits, removed and added operations."""
    rng = random.Random(seed)
    base = _base(operations, rng)
    revision = copy.deepcopy(base)
    paths = list(revision["paths"])
    for path in rng.sample(paths, min(edits, len(paths))):
        rng.choice(EDITS)(revision["paths"][path]["post"], rng)
    for path in rng.sample(paths, max(1, edits // 20)):
        revision["paths"].pop(path, None)
    for i in range(max(1, edits // 20)):
        revision["paths"][f"/api/v1/new-{i}.php"] = {"post": _operation(operations + i, rng)}
    return base, revision


def main() -> None:
    """Write the pair of contracts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("/tmp/nbkit-bench-diff"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base, revision = generate(args.operations, args.edits, args.seed)
    for name, document in (("base", base), ("revision", revision)):
        for suffix, text in (
            (".yaml", yaml.dump(document, Dumper=_DUMPER, sort_keys=False)),
            (".json", json.dumps(document, indent=1)),
        ):
            path = args.out / f"{name}{suffix}"
            path.write_text(text, encoding="utf-8")
            print(f"{path}: {len(document['paths'])} operations, {len(text):,} bytes")


if __name__ == "__main__":
    main()
