"""The second half of `make demo`: a retreat under way, so that attendance and the reports have something to show.

Kota Malang's camat and lurah (already in the directory from `scripts/demo.py`'s import) go on a first wave of the
retreat that began yesterday (WIB) and ends tomorrow, on the same three-day agenda. They confirm through their
invitation links, are put in platoons and rooms, two of them get a permit (one sick, one on duty, approved after
the fact), and the check-in stations record every session that has already ended: most arrive on time, some late,
a few not at all. The field's second scanner was offline during the last roll-call it covered: its batch is
uploaded last, hours after the scans, and keeps their true times (where the first scanner saw the same official
too, the earliest scan wins and the other is a duplicate).

Safe to run twice: scan ids are stable ({session id}:{nip}) so a second upload records nothing new; permits and
answers are only made where missing.
"""
from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta, timezone

from demo import AGENDA, TIMEZONE, WIB, Api, DemoError, Settings, barracks, local, officials, read_units, \
    session_key

PLATOONS = 3
NOT_CONFIRMING = 2  # the last two lurah in the file have not answered
LATE_SHARE, ABSENT_SHARE = 0.08, 0.03
OFFLINE_DEVICE = "lapangan-2"


class LiveRetreat:
    """The first wave, running now."""

    def __init__(self, api: Api, today: date):
        self.api = api
        self.station_url: str | None = None
        self.first_day = today - timedelta(days=1)
        self.code = f"GELOMBANG1-MLG-{self.first_day:%Y%m%d}"
        self.people = [o for o in officials(read_units()) if o["position_kind"] in ("camat", "lurah")]

    def say(self, text: str) -> None:
        print(f"demo: {text}", flush=True)

    def run(self) -> dict:
        retreat = self.retreat()
        sessions = self.agenda(retreat)
        self.register(retreat)
        retreat = self.start(retreat)
        registrations = self.answers(retreat)
        self.groups(retreat, list(registrations.values()))
        excused = self.permits(retreat, sessions, registrations)
        self.checkins(retreat, sessions, registrations, excused)
        return retreat

    # ------------------------------------------------------------------------------------- preparing it
    def retreat(self) -> dict:
        found = [r for r in self.api.all("/retreats") if r["code"] == self.code]
        if found:
            return found[0]
        retreat = self.api.call("POST", "/retreats", json={
            "code": self.code, "title": "Retret Camat dan Lurah Kota Malang, Gelombang I",
            "organizer": "BKPSDM Kota Malang", "venue": "Politeknik Angkatan Darat (Poltekad), Karangploso",
            "starts_on": self.first_day.isoformat(), "ends_on": (self.first_day + timedelta(days=2)).isoformat(),
            "timezone": TIMEZONE, "attendance_threshold": 0.9, "late_tolerance_minutes": 5, "capacity": None})
        self.say(f"retreat {self.code} created: the first wave, running since yesterday")
        return retreat

    def agenda(self, retreat: dict) -> list[dict]:
        path = f"/retreats/{retreat['id']}/sessions"
        have = {session_key(s, self.first_day) for s in self.api.all(path)}
        for day, start, end, title, kind, location, mandatory, _speaker in AGENDA:
            if (day, start, title) not in have:
                on = self.first_day + timedelta(days=day - 1)
                self.api.call("POST", path, json={
                    "title": title, "kind": kind, "starts_at": local(on, start), "ends_at": local(on, end),
                    "location": location, "mandatory": mandatory, "speaker_ids": []})
        return self.api.all(path)

    def register(self, retreat: dict) -> None:
        path = f"/retreats/{retreat['id']}/registrations"
        registered = {r["official"]["nip"] for r in self.api.all(path)}
        missing = [o for o in self.people if o["nip"] not in registered]
        for person in missing:  # known officials: the directory has them from the main retreat's import
            self.api.call("POST", path, json={"nip": person["nip"]})
        if missing:
            self.say(f"first wave: {len(missing)} camat and lurah registered")

    def start(self, retreat: dict) -> dict:
        if retreat["status"] == "draft":
            retreat = self.api.call("POST", f"/retreats/{retreat['id']}/publish")
        if retreat["status"] == "published":  # beat would do it within a minute; the organiser does not wait
            retreat = self.api.call("POST", f"/retreats/{retreat['id']}/start")
        return retreat

    def answers(self, retreat: dict) -> dict[str, dict]:
        silent = {o["nip"] for o in self.people[-NOT_CONFIRMING:]}
        path = f"/retreats/{retreat['id']}/registrations"
        for registration in self.api.all(path, status="invited"):
            if registration["official"]["nip"] not in silent:
                token = registration["invitation_url"].rsplit("/", 1)[1]
                self.api.call("POST", f"/invitations/{token}/confirm", json={"shirt_size": "L"})
        return {r["official"]["nip"]: r for r in self.api.all(path, status="confirmed")}

    def groups(self, retreat: dict, confirmed: list[dict]) -> None:
        rooms = barracks(confirmed)
        answer = self.api.call("POST", f"/retreats/{retreat['id']}/groups/assign",
                               json={"platoons": PLATOONS, "rooms": rooms})
        self.say(f"first wave: {answer['assigned']} officials in {PLATOONS} platoons and {len(rooms)} rooms")

    def permits(self, retreat: dict, sessions: list[dict], confirmed: dict[str, dict]) -> dict[str, set[str]]:
        """One lurah fell sick yesterday afternoon, one camat was called away for this morning's sessions; the
        organiser enters both and an admin approves them after the fact. Returns nip → covered session ids."""
        nips = sorted(confirmed)
        sick, duty = nips[3], nips[0]
        yesterday_afternoon = (local(self.first_day, "12:00"), local(self.first_day, "23:59"))
        this_morning = [s["id"] for s in sessions if s["starts_at"].startswith(self.today().isoformat())
                        and s["starts_at"][11:16] < "10:00"]
        path = f"/retreats/{retreat['id']}/permits"
        existing = {p["registration_id"] for p in self.api.all(path)}
        wanted = [(sick, {"kind": "sick", "reason": "Demam tinggi, dirawat di klinik akademi",
                          "starts_at": yesterday_afternoon[0], "ends_at": yesterday_afternoon[1]}),
                  (duty, {"kind": "duty", "reason": "Dipanggil Wali Kota: penanganan banjir di wilayahnya",
                          "session_ids": this_morning})]
        for nip, body in wanted:
            if confirmed[nip]["id"] in existing:
                continue
            permit = self.api.call("POST", path, json={"nip": nip, **body})
            self.api.call("POST", f"/permits/{permit['id']}/approve")
            self.say(f"first wave: a {body['kind']} permit approved for {confirmed[nip]['official']['name']}")
        sick_span = [datetime.fromisoformat(t) for t in yesterday_afternoon]
        return {sick: {s["id"] for s in sessions
                       if sick_span[0] <= datetime.fromisoformat(s["starts_at"]) < sick_span[1]},
                duty: set(this_morning)}

    def today(self) -> date:
        return self.first_day + timedelta(days=1)

    # ------------------------------------------------------------------------------------- the stations
    def checkins(self, retreat: dict, sessions: list[dict], confirmed: dict[str, dict],
                 excused: dict[str, set[str]]) -> None:
        now = datetime.now(timezone.utc)
        ended = [s for s in sessions if s["mandatory"] and datetime.fromisoformat(s["ends_at"]) <= now]
        if not ended:
            return
        offline_session = max((s for s in ended if s["kind"] == "apel"), key=lambda s: s["starts_at"], default=None)
        batches: dict[str, list[dict]] = {}
        for session in ended:
            device = "lapangan-1" if session["location"].startswith("Lapangan") else "aula-1"
            for nip in sorted(confirmed):
                rng = random.Random(f"{session['id']}:{nip}")  # the same story on every run
                if session["id"] in excused.get(nip, ()) or rng.random() < ABSENT_SHARE:
                    continue
                scan = self.scan(session, nip, rng)
                batches.setdefault(device, []).append(scan)
                if session is offline_session and rng.random() < 0.5:
                    # The second scanner at the field, offline: it saw half of them, some a little earlier.
                    earlier = {**scan, "scan_id": f"{scan['scan_id']}:2",
                               "scanned_at": shift(scan["scanned_at"], minutes=-rng.randint(0, 2))}
                    batches.setdefault(OFFLINE_DEVICE, []).append(earlier)
        recorded = late = 0
        for device in sorted(batches, key=lambda d: d == OFFLINE_DEVICE):  # the offline batch arrives last
            token = self.station_token(retreat, device)
            for start in range(0, len(batches[device]), 200):
                answer = self.api.call("POST", f"/retreats/{retreat['id']}/checkins/batch", expect=(200,),
                                       headers={"Authorization": f"Bearer {token}"},
                                       json={"device_id": device, "scans": batches[device][start:start + 200]})
                recorded += sum(r["outcome"] == "recorded" for r in answer["results"])
                late += sum(r["outcome"] == "recorded" and r["status"] == "late" for r in answer["results"])
        self.say(f"first wave: {len(ended)} session(s) over, {recorded} scan(s) recorded ({late} late)"
                 + (f", {OFFLINE_DEVICE}'s offline batch for '{offline_session['title']}' uploaded last"
                    if offline_session else ""))

    @staticmethod
    def scan(session: dict, nip: str, rng: random.Random) -> dict:
        starts = datetime.fromisoformat(session["starts_at"])
        if rng.random() < LATE_SHARE:
            scanned = starts + timedelta(minutes=rng.randint(6, 20))
        else:
            scanned = starts - timedelta(minutes=rng.randint(1, 25))
        return {"session_id": session["id"], "nip": nip, "scanned_at": scanned.isoformat(),
                "scan_id": f"{session['id']}:{nip}"}

    def station_token(self, retreat: dict, device: str) -> str:
        answer = self.api.call("POST", f"/retreats/{retreat['id']}/station-tokens",
                               json={"device_id": device, "label": f"Pemindai {device}"})
        self.station_url = answer.get("station_url")  # the station page, ready for this device
        return answer["token"]

    def where_to_look(self, retreat: dict, reporting: str) -> str:
        reports = f"{reporting}/api/v1/reports/retreats/{retreat['id']}"
        return "\n".join([
            "",
            f"The first wave {self.code} is under way (id {retreat['id']}).",
            f"  Attendance by session   {reports}/sessions",
            f"  Attendance by unit      {reports}/units   (and /summary)",
            f"  Check-ins               {self.api.base}/retreats/{retreat['id']}/checkins",
            f"  Platoons                {self.api.base}/retreats/{retreat['id']}/groups",
        ] + ([f"  A check-in station      {self.station_url}"] if self.station_url else []))


def shift(moment: str, minutes: int) -> str:
    return (datetime.fromisoformat(moment) + timedelta(minutes=minutes)).isoformat()


def main() -> int:
    settings = Settings.from_environment()
    try:
        live = LiveRetreat(Api(settings), datetime.now(WIB).date())
        retreat = live.run()
        print(live.where_to_look(retreat, settings.reporting))
    except DemoError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
