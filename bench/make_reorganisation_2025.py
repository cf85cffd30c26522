"""Regenerate survey_app/org/data/reorganisation_hanoi_2025.csv from a maintained package's mapping.

The old → new commune mapping of 1 July 2025 comes from `vietnamadminunits==1.0.4` (MIT; data files
`data/converter_2025.json` and `data/dataset.db`: the 63-province list with the old GSO codes and the
34-province list with the new ones, and which old ward went wholly or in part to which new one). It is
not a dependency of the platform: unpack its wheel and point this script at it:

    pip download --no-deps -d /tmp/vau vietnamadminunits==1.0.4
    unzip -q -o /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl -d /tmp/vau
    .venv/bin/python bench/make_reorganisation_2025.py /tmp/vau/vietnamadminunits

The package's NEW codes are not used: for some hundred communes it carries provisional codes that the
GSO changed (it gives 00226 to Phường Văn Miếu - Quốc Tử Giám, which the official list numbers 00196,
while 00226 is Phường Kim Liên). Each new commune is found by name in the official list the platform
imports (vietnam-provinces; names compared without accents, as both packages key them), so the file
uses the same codes as `units import-official`; a name that is missing or ambiguous stops the script.
The OLD codes are the package's, which agree with vietnam-provinces 0.6.0 (the pre-reform list).
Rows: Thành phố Hà Nội (Nghị quyết 1656/NQ-UBTVQH15) and the wards of the former Quận Đồ Sơn,
Hải Phòng; one row per old → new pair, the package's main successor of a divided ward first (its open
sub-units follow that one).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

from vietnam_provinces import Ward

OUTPUT = Path(__file__).resolve().parents[1] / "survey_app" / "org" / "data" / "reorganisation_hanoi_2025.csv"
EFFECTIVE = "2025-07-01"
# (province key of the package, prefix of the old "province_district_ward" keys to take)
SELECTION = [("thanhphohanoi", "thanhphohanoi_"), ("thanhphohaiphong", "thanhphohaiphong_quandoson_")]


def build(package_dir: Path) -> list[tuple[str, str, str, str, str]]:
    """(old code, new code, effective date, old name, new name) rows of the selection."""
    mapping = json.loads((package_dir / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    with sqlite3.connect(package_dir / "data" / "dataset.db") as conn:
        old = {
            f"{p}_{d}_{w}": (code, name)
            for p, d, w, code, name in conn.execute(
                "SELECT provinceKey, districtKey, wardKey, wardCode, ward FROM admin_units_legacy"
            )
        }
        new = {
            (p, w): (province_code, name)
            for p, w, province_code, name in conn.execute(
                "SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units"
            )
        }
    official: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for ward in Ward.iter_all():
        key = (int(ward.province_code), ward.codename.replace("_", ""))
        official.setdefault(key, []).append((f"{int(ward.code):05d}", ward.name))
    rows = []
    for province, prefix in SELECTION:
        pairs: list[tuple[str, str, int]] = []
        for new_key, old_keys in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"][province].items():
            pairs += [(old_key, new_key, 0) for old_key in old_keys]
        for old_key, targets in mapping["DICT_PROVINCE_WARD_DIVIDED"][province].items():
            pairs += [(old_key, t["newWardKey"], 0 if t["isDefaultNewWard"] else 1) for t in targets]
        for old_key, new_key, _rank in sorted(pairs, key=lambda p: (old.get(p[0], ("",))[0], p[2], p[1])):
            if not old_key.startswith(prefix) or old_key not in old:
                continue  # another province's ward, or an island district without wards
            old_code, old_name = old[old_key]
            province_code, package_name = new[(province, new_key)]
            found = official.get((int(province_code), new_key), [])
            if len(found) != 1:
                raise SystemExit(
                    f"{package_name} ({province_code}): {len(found)} matches in the official list"
                )
            new_code, new_name = found[0]
            rows.append((old_code, new_code, EFFECTIVE, old_name, new_name))
    return rows


def main(argv: list[str]) -> None:
    """Write the CSV (old_code,new_code,effective_date)."""
    if len(argv) != 2:
        raise SystemExit(__doc__)
    rows = build(Path(argv[1]))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["old_code", "new_code", "effective_date"])
        writer.writerows(row[:3] for row in rows)
    olds, news = len({r[0] for r in rows}), len({r[1] for r in rows})
    print(f"{len(rows)} rows, {olds} old units, {news} new → {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv)
