"""Generate a project of N realistic, valid motions to benchmark playbook on.

Each motion is a variation of one of the six bundled motions: its own id,
name, trigger event, partner mix, owner, dates, tags, steps and targets, and
its own folder of asset files. The same seed always gives the same files,
and the first N motions of a larger project are the motions of a smaller
one, so corpora of different sizes differ only in how many motions they hold.

    python benchmarks/generate.py OUT --count 1000 [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

REPO = Path(__file__).resolve().parents[1]
"""The playbook checkout whose bundled motions and assets are varied."""

MODELINE = "# yaml-language-server: $schema=../schemas/motion.schema.json\n"
FRAGMENTS = Path("motions/shared/fragments.yaml")
SHARED_ASSETS = Path("assets/shared")
_SECTIONS = (
    "trigger",
    "partners",
    "pitch",
    "steps",
    "assets",
    "slas",
    "metrics",
    "offer",
    "internal",
)


@dataclass(frozen=True)
class Subject:
    """A kind of customer: how a trigger names it and how a motion name does."""

    one: str
    many: str


SUBJECTS = (
    Subject("hospital group", "Hospital Groups"),
    Subject("retail chain", "Retail Chains"),
    Subject("school district", "School Districts"),
    Subject("regional bank", "Regional Banks"),
    Subject("car manufacturer", "Car Manufacturers"),
    Subject("freight company", "Freight Companies"),
    Subject("city council", "City Councils"),
    Subject("utility provider", "Utility Providers"),
)
REGIONS = (
    "Nordics",
    "DACH",
    "Benelux",
    "UK and Ireland",
    "Iberia",
    "France",
    "Italy",
    "North America",
    "Latin America",
    "ANZ",
)
FIRST_NAMES = (
    "Amara",
    "Bruno",
    "Chiara",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaito",
    "Lucia",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
)
LAST_NAMES = (
    "Andersen",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
)


@dataclass(frozen=True)
class Variety:
    """How one bundled motion varies: its trigger parts and its partner mixes.

    The trigger event is `template` filled with a subject and one item of each
    of `first` and `second`; the partner mixes are (lead, support) pairs.
    """

    template: str
    first: tuple[str, ...]
    second: tuple[str, ...]
    mixes: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


VARIETIES = {
    "ai-jumpstart-workshop": Variety(
        "a {s}'s {a} {b}",
        (
            "leaders show interest in",
            "board asks for a plan for",
            "managers set budget aside for",
            "data team is asked about",
        ),
        (
            "AI or machine learning",
            "generative chat assistants",
            "demand forecasting models",
            "document automation tools",
            "customer service copilots",
            "predictive maintenance analytics",
        ),
        (
            (("si", "consultancy"), ("msp",)),
            (("consultancy",), ("si", "isv")),
            (("si",), ("cloud-marketplace",)),
            (("isv", "si"), ()),
        ),
    ),
    "business-process-assessment": Variety(
        "a {s} {a} or {b}",
        (
            "closes a merger",
            "appoints a new CFO",
            "mandates a digital transformation",
            "moves finance to shared services",
        ),
        (
            "fails an external audit",
            "replaces its ERP",
            "misses its close deadline",
            "doubles its invoice volume",
            "starts a cost program",
            "adds a subsidiary",
        ),
        (
            (("consultancy", "si"), ("msp",)),
            (("consultancy",), ("isv",)),
            (("si",), ("consultancy", "msp")),
            (("si", "isv"), ()),
        ),
    ),
    "cicd-pipeline-audit": Variety(
        "a {s}'s {a} {b}",
        (
            "release frequency",
            "deployment lead time",
            "change failure rate",
            "build duration",
        ),
        (
            "slows after a reorganisation",
            "worsens two quarters running",
            "misses its engineering target",
            "becomes a board topic",
            "triggers an incident review",
            "stalls a product launch",
        ),
        (
            (("consultancy", "si"), ("msp",)),
            (("si",), ("isv",)),
            (("consultancy",), ("cloud-marketplace", "msp")),
            (("isv", "consultancy"), ()),
        ),
    ),
    "dc-to-cloud-assessment": Variety(
        "a {s}'s {a} {b}",
        (
            "data-center contract",
            "virtualization license",
            "colocation lease",
            "backup appliance maintenance",
        ),
        (
            "is up for renewal",
            "expires within a year",
            "rises in price by a third",
            "faces a budget review",
            "loses vendor support",
            "is put out to tender",
        ),
        (
            (("si", "msp"), ("var",)),
            (("msp",), ("distributor",)),
            (("si",), ("cloud-marketplace", "var")),
            (("msp", "cloud-marketplace"), ()),
        ),
    ),
    "hardware-refresh": Variety(
        "a {s}'s {a} {b}",
        (
            "network switches",
            "wireless access points",
            "branch routers",
            "firewall clusters",
        ),
        (
            "approach end of support",
            "reach end of sale",
            "fall out of warranty",
            "fail a capacity review",
            "miss a security baseline",
            "slow a site rollout",
        ),
        (
            (("var",), ("msp",)),
            (("var", "msp"), ("distributor",)),
            (("var",), ("distributor", "msp")),
            (("msp",), ("var",)),
        ),
    ),
    "threat-health-check": Variety(
        "{a} targets {many} or {b} takes effect",
        (
            "a ransomware campaign",
            "a zero-day in VPN appliances",
            "a supply-chain attack",
            "a phishing wave",
        ),
        (
            "the NIS2 directive",
            "the DORA regulation",
            "a state privacy law",
            "PCI DSS 4.0",
            "a breach disclosure rule",
            "an audit mandate",
        ),
        (
            (("mssp",), ("msp", "var")),
            (("mssp", "msp"), ()),
            (("mssp",), ("si",)),
            (("msp",), ("mssp", "distributor")),
        ),
    ),
}

EXTRA_STEPS = (
    {
        "actor": "partner-marketing",
        "action": "Add the motion's email to the next quarterly campaign "
        "for the segment.",
    },
    {
        "actor": "partner-se",
        "action": "Log the customer's answers to the qualification questions in the "
        "partner portal before the second meeting.",
    },
    {
        "actor": "vendor-marketing",
        "action": "Feature the partner's first win in the regional partner newsletter.",
    },
)


# --- motions ----------------------------------------------------------------


def load_bases(repo: Path = REPO) -> list[dict[str, Any]]:
    """The bundled motions of `repo`, sorted by id, as plain data."""
    bases = []
    for path in sorted((repo / "motions").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        if data["id"] in VARIETIES:
            bases.append(data)
    if len(bases) != len(VARIETIES):
        raise SystemExit(f"expected the six bundled motions in {repo / 'motions'}")
    return bases


def slug(text: str) -> str:
    """Lower-case words joined by dashes: `UK and Ireland` -> `uk-and-ireland`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@cache
def _trigger_order(base_id: str, seed: int) -> tuple[tuple[int, int, int], ...]:
    """Every (subject, first, second) combination of a base, in a seeded order.

    Motions of one base take the combinations in turn, so their trigger
    events stay distinct until the combinations run out.
    """
    variety = VARIETIES[base_id]
    combos = [
        (s, a, b)
        for s in range(len(SUBJECTS))
        for a in range(len(variety.first))
        for b in range(len(variety.second))
    ]
    random.Random(f"{seed}:{base_id}").shuffle(combos)
    return tuple(combos)


def make_motion(
    base: dict[str, Any], number: int, rank: int, seed: int
) -> tuple[dict[str, Any], Subject, str]:
    """Motion `number` (the `rank`-th variation of `base`), its subject and region."""
    rng = random.Random(f"{seed}:motion:{number}")
    variety = VARIETIES[base["id"]]
    order = _trigger_order(base["id"], seed)
    s, a, b = order[rank % len(order)]
    subject = SUBJECTS[s]
    region = REGIONS[rank % len(REGIONS)]
    cohort = rank // len(REGIONS) + 1
    motion = json.loads(json.dumps(base, default=str))  # a deep copy, dates as text
    motion["id"] = f"{base['id']}-{slug(region)}-{cohort:04d}"
    motion["name"] = f"{base['name']}: {subject.many}, {region} (cohort {cohort})"
    motion["version"] = f"{rng.randint(0, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"
    motion["status"] = "draft" if rng.random() < 0.2 else "active"
    motion["owner"] = _owner(rng, base["owner"]["team"])
    motion["review_by"] = _day(rng, date(2027, 2, 1), 480)
    motion["tags"] = _tags(rng, base["tags"], subject, region)
    motion["trigger"]["event"] = variety.template.format(
        s=subject.one,
        many=subject.many.lower(),
        a=variety.first[a],
        b=variety.second[b],
    )
    motion["trigger"]["signals"] = _some(rng, base["trigger"]["signals"], 2)
    lead, support = variety.mixes[rng.randrange(len(variety.mixes))]
    motion["partners"] = {
        "lead": list(lead),
        **({"support": list(support)} if support else {}),
    }
    motion["steps"] = _steps(rng, base["steps"])
    motion["slas"] = [_sla(rng, sla) for sla in base["slas"]]
    motion["metrics"] = [_metric(rng, metric) for metric in base["metrics"]]
    motion["offer"]["expires"] = _day(rng, date(2027, 3, 1), 600)
    _move_assets(motion, base["id"])
    return motion, subject, region


def _owner(rng: random.Random, team: str) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = f"{first}.{last}@example.com".lower()
    return {"name": f"{first} {last}", "email": email, "team": team}


def _day(rng: random.Random, start: date, span_days: int) -> date:
    return start + timedelta(days=rng.randrange(span_days))


def _tags(
    rng: random.Random, tags: list[str], subject: Subject, region: str
) -> list[str]:
    kept = _some(rng, tags, 3)
    extra = [slug(subject.one), slug(region)]
    return [*kept, *(t for t in extra if t not in kept)]


def _some(rng: random.Random, items: list[Any], least: int) -> list[Any]:
    """`items` in their order with up to one dropped, keeping at least `least`."""
    if len(items) <= least or rng.random() < 0.4:
        return list(items)
    dropped = rng.randrange(len(items))
    return [item for i, item in enumerate(items) if i != dropped]


def _steps(rng: random.Random, steps: list[dict[str, str]]) -> list[dict[str, str]]:
    """The base steps, maybe one step without an SLA fewer, maybe one more."""
    result = [dict(step) for step in steps]
    optional = [i for i, step in enumerate(result) if "sla" not in step]
    if optional and rng.random() < 0.5:
        del result[rng.choice(optional)]
    if rng.random() < 0.5:
        result.insert(len(result) - 1, dict(rng.choice(EXTRA_STEPS)))
    return result


def _sla(rng: random.Random, sla: dict[str, Any]) -> dict[str, Any]:
    """The SLA with its promise kept or made a little faster (never slower)."""
    if "within" not in sla:
        return dict(sla)
    count, unit = int(sla["within"][:-1]), sla["within"][-1]
    faster = max(1, count - rng.randint(0, count // 4))
    return {**sla, "within": f"{faster}{unit}"}


def _metric(rng: random.Random, metric: dict[str, Any]) -> dict[str, Any]:
    """The metric with its target moved by up to a fifth either way."""
    target = metric["target"] * rng.uniform(0.8, 1.2)
    limit = 100 if metric["unit"] == "percent" else None
    whole = max(1, round(target))
    return {**metric, "target": min(whole, limit) if limit else whole}


def _move_assets(motion: dict[str, Any], base_id: str) -> None:
    """Point the motion's own asset files at its own folder."""
    old = f"assets/{base_id}/"
    for asset in [*motion["assets"], *motion.get("internal", {}).get("assets", [])]:
        if asset.get("file", "").startswith(old):
            asset["file"] = f"assets/{motion['id']}/{asset['file'][len(old) :]}"


# --- writing YAML -----------------------------------------------------------

_RESOLVER = Resolver()
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,;:'()%/+&$@#*=-]*")


@cache
def _text(value: str) -> str:
    """A string as a YAML scalar: plain when YAML reads it back as this text."""
    plain = (
        _PLAIN.fullmatch(value) is not None
        and not value.endswith((" ", ":"))
        and ": " not in value
        and " #" not in value
        and _RESOLVER.resolve(ScalarNode, value, (True, False))
        == Resolver.DEFAULT_SCALAR_TAG
    )
    return value if plain else json.dumps(value, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, date)):
        return str(value)
    return _text(str(value))


def _lines(value: Any, indent: int) -> list[str]:
    """Block-style YAML lines for a mapping or a list, indented by `indent`."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines += [f"{pad}{key}:", *_lines(item, indent + 2)]
            else:
                lines.append(f"{pad}{key}: {_scalar(item) if item != [] else '[]'}")
        return lines
    for item in value:
        if isinstance(item, (dict, list)) and item:
            inner = _lines(item, indent + 2)
            lines += [f"{pad}- {inner[0].lstrip()}", *inner[1:]]
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def to_yaml(motion: dict[str, Any]) -> str:
    """The motion as YAML laid out like the bundled files: sections apart."""
    parts = [MODELINE]
    for key, value in motion.items():
        if key in _SECTIONS:
            parts.append("\n")
        parts.append("\n".join(_lines({key: value}, 0)) + "\n")
    return "".join(parts)


# --- the project ------------------------------------------------------------


@cache
def _asset_bytes(repo: Path, relative: str) -> bytes:
    return (repo / relative).read_bytes()


def _write_assets(
    target: Path, motion: dict[str, Any], base_id: str, subject: Subject, region: str
) -> None:
    """Write the motion's asset files: the base's files, headed for this motion."""
    folder = target / "assets" / motion["id"]
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted((REPO / "assets" / base_id).iterdir()):
        data = _asset_bytes(REPO, f"assets/{base_id}/{source.name}")
        if source.suffix == ".md":
            first, _, rest = data.partition(b"\n")
            note = f" ({subject.many}, {region})".encode()
            data = first + note + b"\n" + rest
        (folder / source.name).write_bytes(data)


def _config_text(count: int) -> str:
    return (
        "# A generated project for the playbook benchmarks.\n"
        "[brand]\n"
        'name = "Northwind"\n'
        'website = "https://partners.example.com"\n\n'
        "[lint.rules]\n"
        f"portfolio-size = {{ max-active = {max(4, count)} }}\n"
    )


def generate(target: Path, n: int, seed: int = 0) -> list[Path]:
    """Write a project of `n` motions into `target`; return the motion files.

    The project has motions/ (the motions and the shared fragments file),
    assets/ (each motion's own files and the shared ones) and playbook.toml.
    `target` must not exist or be empty.
    """
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target}: the folder is not empty")
    (target / FRAGMENTS).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / FRAGMENTS, target / FRAGMENTS)
    shutil.copytree(REPO / SHARED_ASSETS, target / SHARED_ASSETS)
    (target / "playbook.toml").write_text(_config_text(n), encoding="utf-8")
    bases = load_bases()
    files = []
    for number in range(n):
        base = bases[number % len(bases)]
        motion, subject, region = make_motion(base, number, number // len(bases), seed)
        _write_assets(target, motion, base["id"], subject, region)
        path = target / "motions" / f"{motion['id']}.yaml"
        path.write_text(to_yaml(motion), encoding="utf-8")
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    """Command line: `python benchmarks/generate.py OUT --count N [--seed S]`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to create the project in")
    parser.add_argument("--count", type=int, default=100, help="how many motions")
    parser.add_argument("--seed", type=int, default=0, help="seed of the variations")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    try:
        files = generate(args.out, args.count, args.seed)
    except FileExistsError as exc:
        parser.error(str(exc))
    print(f"wrote {len(files)} motions into {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
