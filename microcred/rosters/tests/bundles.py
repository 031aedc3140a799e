"""Build OneRoster bundles for tests and the benchmark (no Django needed)."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

USERS_HEADER = ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
                "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
                "password", "primaryOrgSourcedId"]
ROLES_HEADER = ["sourcedId", "status", "dateLastModified", "roleType", "role", "userSourcedId", "orgSourcedId",
                "userProfileSourcedId", "beginDate", "endDate"]
ORGS = [("d1", "Test District", "district", ""), ("s1", "North School", "school", "d1"), ("s2", "South School", "school", "d1")]


def teacher(n: int, *, given=None, family=None, email=None, org="s1", role="teacher") -> dict:
    return {"sourcedId": f"t{n}", "givenName": given or f"Given{n}", "familyName": family or f"Family{n}",
            "email": email if email is not None else f"t{n}@district.example.org", "org": org, "role": role}


def write_bundle(folder: Path, people, *, orgs=ORGS, students: int = 0, users_mode: str = "bulk",
                 extra_roles=(), raw_users: bytes | None = None) -> Path:
    """A OneRoster 1.2 folder: people are dicts as made by teacher(); students are added and must be skipped."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "manifest.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerows([["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", "1.2"],
                     ["file.orgs", "bulk"], ["file.users", users_mode], ["file.roles", "bulk"],
                     ["file.demographics", "bulk"]])
    with open(folder / "orgs.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"])
        for sid, name, kind, parent in orgs:
            w.writerow([sid, "", "", name, kind, "", parent])
    users = open(folder / "users.csv", "w", newline="", encoding="utf-8")
    roles = open(folder / "roles.csv", "w", newline="", encoding="utf-8")
    with users, roles:
        uw, rw = csv.writer(users), csv.writer(roles)
        uw.writerow(USERS_HEADER)
        rw.writerow(ROLES_HEADER)
        for p in people:
            row = {"sourcedId": p["sourcedId"], "enabledUser": "true", "givenName": p["givenName"],
                   "familyName": p["familyName"], "email": p["email"], "username": p.get("username", ""),
                   "status": p.get("status", "")}
            uw.writerow([row.get(c, "") for c in USERS_HEADER])
            rw.writerow([f"r-{p['sourcedId']}", "", "", "primary", p["role"], p["sourcedId"], p["org"], "", "", ""])
        for i in range(students):
            uw.writerow([{"sourcedId": f"stu{i}", "givenName": "Kid", "familyName": f"Student{i}",
                          "email": f"kid{i}@example.org", "enabledUser": "true"}.get(c, "") for c in USERS_HEADER])
            rw.writerow([f"r-stu{i}", "", "", "primary", "student", f"stu{i}", "s1", "", "", ""])
        for r in extra_roles:
            rw.writerow(r)
    if raw_users is not None:
        (folder / "users.csv").write_bytes(raw_users)
    with open(folder / "demographics.csv", "w", newline="") as f:
        csv.writer(f).writerows([["sourcedId", "status", "dateLastModified", "birthDate", "sex"],
                                 *[[f"stu{i}", "", "", "2011-02-03", "female"] for i in range(students)]])
    return folder


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(Path(folder).iterdir()):
            z.write(path, path.name)
    return target
