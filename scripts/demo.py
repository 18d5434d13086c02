"""`make demo`: seed the Kota Malang retreat over the HTTP APIs of a running `make run` (or the compose stack).

The story of the real retreat, on next May's dates: announced for 16-18 May at Poltekad (a military academy),
three national speakers, a three-day agenda, about 100 structural officials of Kota Malang (kepala OPD, kepala
bagian, camat, lurah) imported from a CSV file this script writes, published, then rescheduled to 15-17 May with
its sessions; most officials confirm through their invitation links, a few decline; three are marked red (health
category) and the confirmed are assigned to four platoons and the academy's barracks (rooms of four, women's rooms
apart, ground-floor rooms by the clinic).

Everything goes through the public API like any client, so it shows the system working end to end: invitations
by email land in var/mail/, the secretariat's reports fill in. Safe to run twice: each step looks at what is there
first and does only what is missing.

Settings (the environment, with make run's defaults): PUBLIC_BASE_URL (registration, http://127.0.0.1:5001),
REPORTING_BASE_URL (http://127.0.0.1:5003), ADMIN_USERNAME / ADMIN_PASSWORD (admin / admin), DEMO_DIR (var/demo,
where the CSV is written).
"""
from __future__ import annotations

import csv
import os
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
UNITS_CSV = os.path.join(HERE, "data", "kota-malang-units.csv")
TIMEZONE = "Asia/Jakarta"
WIB = ZoneInfo(TIMEZONE)


# ---------------------------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class Settings:
    registration: str
    reporting: str
    username: str
    password: str
    directory: str

    @classmethod
    def from_environment(cls) -> "Settings":
        env = os.environ.get
        return cls(registration=(env("PUBLIC_BASE_URL") or "http://127.0.0.1:5001").rstrip("/"),
                   reporting=(env("REPORTING_BASE_URL") or "http://127.0.0.1:5003").rstrip("/"),
                   username=env("ADMIN_USERNAME") or "admin", password=env("ADMIN_PASSWORD") or "admin",
                   directory=env("DEMO_DIR") or os.path.join("var", "demo"))


def next_may(today: date) -> int:
    """The year of the next retreat: this May while the 15th is still ahead, else next year's."""
    return today.year if today < date(today.year, 5, 15) else today.year + 1


# ---------------------------------------------------------------------------------------------- HTTP
class DemoError(RuntimeError):
    pass


class Api:
    """The registration API as an organiser's client uses it (bearer token from the admin sign-in)."""

    def __init__(self, settings: Settings):
        self.base = f"{settings.registration}/api/v1"
        self.http = requests.Session()
        answer = self.call("POST", "/auth/token", json={"username": settings.username, "password": settings.password},
                           expect=(200,))
        self.http.headers["Authorization"] = f"Bearer {answer['access_token']}"

    def call(self, method: str, path: str, expect=(200, 201), **kwargs) -> dict:
        try:
            response = self.http.request(method, f"{self.base}{path}", timeout=60, **kwargs)
        except requests.ConnectionError:
            raise DemoError(f"no answer from {self.base} — is `make run` going?") from None
        if response.status_code not in expect:
            raise DemoError(f"{method} {path} answered {response.status_code}: {response.text[:800]}")
        return response.json()

    def all(self, path: str, **params) -> list[dict]:
        """Every item of a paged list."""
        items, cursor = [], None
        while True:
            page = self.call("GET", path, params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})})
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


# ---------------------------------------------------------------------------------------------- the officials
FIRST_NAMES = {
    "1": ["Agus", "Bambang", "Budi", "Dwi", "Eko", "Fajar", "Hadi", "Hendra", "Imam", "Joko", "Kurniawan", "Mochamad",
          "Nur", "Rachmat", "Rudi", "Slamet", "Sugeng", "Teguh", "Wahyu", "Yusuf", "Arif", "Dedy", "Heru", "Taufik"],
    "2": ["Ani", "Dewi", "Endang", "Erna", "Ika", "Indah", "Lilik", "Nanik", "Ratna", "Retno", "Rini", "Siti", "Sri",
          "Tri", "Wahyuni", "Yuli", "Diah", "Evi", "Nurul", "Umi"],
}
LAST_NAMES = ["Santoso", "Prasetyo", "Wibowo", "Hidayat", "Setiawan", "Kurniawan", "Susanto", "Purnomo", "Rahayu",
              "Wijaya", "Handoko", "Sulistyo", "Hartono", "Saputra", "Utomo", "Nugroho", "Firmansyah", "Suharto",
              "Widodo", "Lestari", "Anggraeni", "Maharani", "Syafii", "Fauzi", "Mahmud", "Ramadhan"]
DEGREES = ["S.Sos., M.Si.", "S.T., M.T.", "S.H., M.H.", "S.E., M.M.", "S.STP., M.AP.", "S.Kom., M.T.", "S.Pd., M.Pd.",
           "S.IP., M.AP.", "S.AP.", "S.E., M.Si."]
PHONE_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0856", "0857", "0858", "0817",
                  "0818", "0819", "0859", "0877", "0878"]
BAGIAN = ["Pemerintahan", "Hukum", "Organisasi", "Kesejahteraan Rakyat", "Perekonomian dan Administrasi Pembangunan",
          "Pengadaan Barang dan Jasa", "Protokol dan Komunikasi Pimpinan", "Umum", "Perencanaan dan Keuangan",
          "Kerja Sama", "Sumber Daya Alam", "Administrasi Pembangunan"]
COLUMNS = ["nip", "name", "position", "position_kind", "unit_code", "unit_name", "rank", "echelon", "email", "phone"]


def read_units(path: str = UNITS_CSV) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def head_position(unit_name: str) -> tuple[str, str, str, str]:
    """(position, position_kind, rank, echelon) of the head of a perangkat daerah."""
    if unit_name == "Sekretariat Daerah":
        return "Sekretaris Daerah", "sekda", "IV/d", "II.a"
    if unit_name == "Sekretariat DPRD":
        return "Sekretaris DPRD", "kepala_opd", "IV/c", "II.b"
    if unit_name == "Inspektorat Daerah":
        return "Inspektur Daerah", "kepala_opd", "IV/c", "II.b"
    return f"Kepala {unit_name}", "kepala_opd", "IV/c", "II.b"


def officials(units: list[dict], seed: int = 2025) -> list[dict]:
    """About 100 officials drawn from the real units: every head of a perangkat daerah, twelve kepala bagian of the
    Sekretariat Daerah, every camat and every lurah. Deterministic: the same file every time."""
    rng = random.Random(seed)
    roles = []
    for unit in units:
        if unit["kind"] == "perangkat_daerah":
            roles.append((unit["code"], unit["name"], *head_position(unit["name"])))
    setda = next(u for u in units if u["code"] == "SETDA")
    roles += [(setda["code"], setda["name"], f"Kepala Bagian {b}", "kepala_bagian", "IV/a", "III.a") for b in BAGIAN]
    for unit in units:
        if unit["kind"] == "kecamatan":
            roles.append((unit["code"], unit["name"], unit["name"].replace("Kecamatan", "Camat"), "camat", "IV/a",
                          "III.a"))
    for unit in units:
        if unit["kind"] == "kelurahan":
            roles.append((unit["code"], unit["name"], unit["name"].replace("Kelurahan", "Lurah"), "lurah", "III/d",
                          "IV.a"))
    people, used_nips = [], set()
    for number, (unit_code, unit_name, position, kind, rank, echelon) in enumerate(roles, start=1):
        gender = "1" if rng.random() < 0.7 else "2"
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        nip = _nip(rng, gender, number, used_nips)
        prefix = rng.choice(["Dr. ", "H. " if gender == "1" else "Hj. ", "", "", ""])
        people.append({
            "nip": nip, "name": f"{prefix}{first} {last}, {rng.choice(DEGREES)}", "position": position,
            "position_kind": kind, "unit_code": unit_code, "unit_name": unit_name, "rank": rank, "echelon": echelon,
            "email": f"{_slug(first)}.{_slug(last)}{number}@malangkota.go.id", "phone": _phone(rng),
        })
    return people


def _nip(rng: random.Random, gender: str, number: int, used: set[str]) -> str:
    """A valid NIP: born 1968-1984, first appointed at 22-30 years old (never before the 18th birthday)."""
    while True:
        birth = date(1968, 1, 1) + timedelta(days=rng.randrange(17 * 365))
        appointed = birth.year + rng.randint(22, 30)
        nip = f"{birth:%Y%m%d}{appointed:04d}{rng.randint(1, 12):02d}{gender}{number % 999 + 1:03d}"
        if nip not in used:
            used.add(nip)
            return nip


def _phone(rng: random.Random) -> str:
    digits = f"{rng.randrange(10**8):08d}"
    prefix = rng.choice(PHONE_PREFIXES)
    # Written as people type them in a spreadsheet; the import stores them as +62...
    return rng.choice([f"{prefix}-{digits[:4]}-{digits[4:]}", f"{prefix}{digits}", f"+62 {prefix[1:]} {digits}"])


def _slug(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def write_csv(path: str, rows: list[dict]) -> str:
    """The file an organiser would export from the personnel system (";" separated, as Excel in Indonesia does)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


# ---------------------------------------------------------------------------------------------- speakers, agenda
SPEAKERS = [
    {"key": "bkn", "name": "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.", "position": "Kepala BKN",
     "institution": "Badan Kepegawaian Negara", "status": "confirmed"},
    {"key": "mendagri", "name": "Jenderal Pol. (Purn.) Prof. Drs. H. Muhammad Tito Karnavian, M.A., Ph.D.",
     "position": "Menteri Dalam Negeri", "institution": "Kementerian Dalam Negeri", "status": "confirmed"},
    {"key": "jatim", "name": "Drs. Adhy Karyono, M.AP.", "position": "Sekretaris Daerah Provinsi Jawa Timur",
     "institution": "Pemerintah Provinsi Jawa Timur", "status": "invited"},
]

FIELD, HALL, MESS, CLASS = "Lapangan Apel Poltekad", "Gedung Serbaguna Poltekad", "Ruang Makan Poltekad", \
    "Ruang Kelas Poltekad"
# (day, start, end, title, kind, location, mandatory, speaker key)
AGENDA = [
    (1, "07:00", "08:00", "Registrasi ulang dan pembagian perlengkapan", "other", HALL, False, None),
    (1, "08:00", "09:00", "Upacara pembukaan retret", "ceremony", FIELD, True, None),
    (1, "09:00", "10:30", "Kebijakan manajemen ASN nasional", "lecture", HALL, True, "bkn"),
    (1, "10:30", "12:00", "Sinergi program pemerintah pusat dan daerah", "lecture", HALL, True, "mendagri"),
    (1, "12:00", "13:00", "ISHOMA", "meal", MESS, False, None),
    (1, "13:00", "15:00", "Diskusi kelompok: penyelarasan RPJMD dengan program nasional", "discussion", CLASS,
     True, None),
    (1, "15:30", "16:30", "Latihan fisik dan peraturan baris-berbaris", "physical", FIELD, True, None),
    (1, "17:00", "17:30", "Apel sore", "apel", FIELD, True, None),
    (1, "18:00", "19:30", "ISHOMA", "meal", MESS, False, None),
    (1, "19:30", "21:00", "Sesi malam: wawasan kebangsaan", "lecture", HALL, True, None),
    (2, "05:30", "06:00", "Apel pagi", "apel", FIELD, True, None),
    (2, "06:00", "07:00", "Latihan fisik pagi", "physical", FIELD, True, None),
    (2, "07:00", "08:00", "Makan pagi", "meal", MESS, False, None),
    (2, "08:00", "10:00", "Pembangunan Jawa Timur dan peran kabupaten/kota", "lecture", HALL, True, "jatim"),
    (2, "10:00", "12:00", "Diskusi kelompok: inovasi pelayanan publik", "discussion", CLASS, True, None),
    (2, "12:00", "13:00", "ISHOMA", "meal", MESS, False, None),
    (2, "13:00", "15:00", "Outbound dan pembinaan kerja sama tim", "physical", FIELD, True, None),
    (2, "15:30", "17:00", "Diskusi panel: disiplin dan integritas ASN", "discussion", HALL, True, None),
    (2, "17:00", "17:30", "Apel sore", "apel", FIELD, True, None),
    (2, "18:00", "19:30", "ISHOMA", "meal", MESS, False, None),
    (2, "19:30", "21:00", "Sesi malam: presentasi hasil diskusi kelompok", "discussion", HALL, True, None),
    (3, "05:30", "06:00", "Apel pagi", "apel", FIELD, True, None),
    (3, "06:00", "07:00", "Latihan fisik pagi", "physical", FIELD, True, None),
    (3, "07:00", "08:00", "Makan pagi", "meal", MESS, False, None),
    (3, "08:00", "10:00", "Penyusunan rencana aksi perangkat daerah", "discussion", CLASS, True, None),
    (3, "10:00", "11:30", "Upacara penutupan dan penandatanganan komitmen", "ceremony", FIELD, True, None),
    (3, "11:30", "12:30", "ISHOMA dan kepulangan", "meal", MESS, False, None),
]

# Officials (by their place in the file) who decline, with the reason they give; a few do not answer at all.
DECLINES = {7: "Tugas dinas ke Jakarta mendampingi Wali Kota", 23: "Sakit, sedang rawat inap",
            51: "Acara keluarga yang tidak dapat ditinggalkan", 88: "Bertugas sebagai panitia Pilkada"}
SILENT = {14, 40, 66, 95}
SHIRT_SIZES = ["M", "L", "L", "XL", "XXL"]
RED_HEALTH = {3, 31, 58}  # officials (by number) the clinic asked to keep close: ground-floor rooms near it
NEAR_CLINIC_ROOMS = 3


def barracks(confirmed: list[dict]) -> list[dict]:
    """The academy's rooms for these officials: Melati (ground floor, by the clinic; the last for women), Kartika
    for men and Putri for women, rooms of four with a little room to spare (the NIP's 15th digit is the gender)."""
    women = sum(1 for r in confirmed if r["official"]["nip"][14] == "2")
    rooms = [{"name": f"Melati {n}", "capacity": 4, "floor": 1, "near_clinic": True,
              "gender": "F" if n == NEAR_CLINIC_ROOMS else "M"} for n in range(1, NEAR_CLINIC_ROOMS + 1)]
    rooms += [{"name": f"Putri {n}", "capacity": 4, "floor": 2, "gender": "F"} for n in range(1, women // 4 + 2)]
    men_rooms = (len(confirmed) - women) // 4 + 2
    rooms += [{"name": f"Kartika {n}", "capacity": 4, "floor": 1 + (n - 1) * 3 // men_rooms, "gender": "M"}
              for n in range(1, men_rooms + 1)]
    return rooms


def session_key(session: dict, first_day: date) -> tuple[int, str, str]:
    """Where a stored session sits in AGENDA: (day of the retreat, local start, title) — stable across a shift."""
    starts = datetime.fromisoformat(session["starts_at"]).astimezone(WIB)
    return (starts.date() - first_day).days + 1, starts.strftime("%H:%M"), session["title"]


def local(day: date, clock: str) -> str:
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=WIB).isoformat()


# ---------------------------------------------------------------------------------------------- the steps
class Demo:
    def __init__(self, settings: Settings, today: date):
        self.settings = settings
        self.api = Api(settings)
        year = next_may(today)
        self.code = f"RETRET-MLG-{year}"
        self.announced = (date(year, 5, 16), date(year, 5, 18))
        self.held = (date(year, 5, 15), date(year, 5, 17))

    def say(self, text: str) -> None:
        print(f"demo: {text}", flush=True)

    def run(self) -> dict:
        retreat = self.retreat()
        speakers = self.speakers(retreat)
        self.agenda(retreat, speakers)
        self.officials(retreat)
        retreat = self.publish(retreat)
        retreat = self.reschedule(retreat)
        self.answers(retreat)
        self.groups(retreat)
        return retreat

    def retreat(self) -> dict:
        found = [r for r in self.api.all("/retreats") if r["code"] == self.code]
        if found:
            self.say(f"retreat {self.code} is there ({found[0]['status']}, {found[0]['starts_on']})")
            return found[0]
        retreat = self.api.call("POST", "/retreats", json={
            "code": self.code, "title": f"Retret Pejabat Struktural Pemerintah Kota Malang {self.announced[0].year}",
            "organizer": "BKPSDM Kota Malang", "venue": "Politeknik Angkatan Darat (Poltekad), Karangploso",
            "starts_on": self.announced[0].isoformat(), "ends_on": self.announced[1].isoformat(),
            "timezone": TIMEZONE, "attendance_threshold": 0.9, "late_tolerance_minutes": 5, "capacity": None})
        self.say(f"retreat {self.code} created for {self.announced[0]:%d}-{self.announced[1]:%d %B %Y}")
        return retreat

    def speakers(self, retreat: dict) -> dict[str, str]:
        known = {s["name"]: s["id"] for s in self.api.all(f"/retreats/{retreat['id']}/speakers")}
        ids = {}
        for speaker in SPEAKERS:
            if speaker["name"] not in known:
                body = {k: v for k, v in speaker.items() if k != "key"}
                known[speaker["name"]] = self.api.call("POST", f"/retreats/{retreat['id']}/speakers", json=body)["id"]
                self.say(f"speaker {speaker['position']} ({speaker['status']}) added")
            ids[speaker["key"]] = known[speaker["name"]]
        return ids

    def agenda(self, retreat: dict, speakers: dict[str, str]) -> None:
        first_day = date.fromisoformat(retreat["starts_on"])
        have = {session_key(s, first_day) for s in self.api.all(f"/retreats/{retreat['id']}/sessions")}
        added = 0
        for day, start, end, title, kind, location, mandatory, speaker in AGENDA:
            if (day, start, title) in have:
                continue
            on = first_day + timedelta(days=day - 1)
            self.api.call("POST", f"/retreats/{retreat['id']}/sessions", json={
                "title": title, "kind": kind, "starts_at": local(on, start), "ends_at": local(on, end),
                "location": location, "mandatory": mandatory, "speaker_ids": [speakers[speaker]] if speaker else []})
            added += 1
        self.say(f"agenda: {added} session(s) added, {len(AGENDA)} in all")

    def officials(self, retreat: dict) -> None:
        registered = {r["official"]["nip"] for r in self.api.all(f"/retreats/{retreat['id']}/registrations")}
        everyone = officials(read_units())
        missing = [o for o in everyone if o["nip"] not in registered]
        if not missing:
            self.say(f"officials: all {len(everyone)} registered")
            return
        path = write_csv(os.path.join(self.settings.directory, "kota-malang-officials.csv"), missing)
        url = f"/retreats/{retreat['id']}/registrations/import"
        with open(path, "rb") as fh:
            checked = self.api.call("POST", url, params={"dry_run": "true"}, expect=(200,),
                                    files={"file": ("kota-malang-officials.csv", fh, "text/csv")})
        with open(path, "rb") as fh:
            done = self.api.call("POST", url, params={"dry_run": "false"}, expect=(200,),
                                 files={"file": ("kota-malang-officials.csv", fh, "text/csv")})
        self.say(f"officials: {checked['valid']} rows checked, {done['created']} imported from {path}")

    def publish(self, retreat: dict) -> dict:
        if retreat["status"] != "draft":
            return retreat
        self.say("retreat published: invitations go out by email and SMS")
        return self.api.call("POST", f"/retreats/{retreat['id']}/publish")

    def reschedule(self, retreat: dict) -> dict:
        if retreat["starts_on"] == self.held[0].isoformat():
            return retreat
        retreat = self.api.call("PATCH", f"/retreats/{retreat['id']}", json={
            "starts_on": self.held[0].isoformat(), "ends_on": self.held[1].isoformat(), "shift_sessions": True})
        self.say(f"retreat rescheduled to {self.held[0]:%d}-{self.held[1]:%d %B %Y}, every session moved with it")
        return retreat

    def answers(self, retreat: dict) -> None:
        order = {o["nip"]: n for n, o in enumerate(officials(read_units()), start=1)}
        rng = random.Random(7)
        confirmed = declined = 0
        for registration in self.api.all(f"/retreats/{retreat['id']}/registrations"):
            number = order.get(registration["official"]["nip"])
            if number is None or number in SILENT or registration["status"] not in ("invited", "confirmed",
                                                                                       "declined"):
                continue
            token = registration["invitation_url"].rsplit("/", 1)[1]
            if number in DECLINES:
                self.api.call("POST", f"/invitations/{token}/decline", json={"reason": DECLINES[number]})
                declined += 1
            else:
                self.api.call("POST", f"/invitations/{token}/confirm", json={
                    "shirt_size": rng.choice(SHIRT_SIZES), "emergency_contact": "Keluarga, 0812-0000-0000"})
                confirmed += 1
        self.say(f"answers: {confirmed} confirmed, {declined} declined, {len(SILENT)} not answered yet")

    def groups(self, retreat: dict) -> None:
        """Red health categories, then four platoons and the barracks. A re-run moves nobody (the assignment is
        stable)."""
        order = {o["nip"]: n for n, o in enumerate(officials(read_units()), start=1)}
        confirmed = self.api.all(f"/retreats/{retreat['id']}/registrations", status="confirmed")
        for registration in confirmed:
            if order.get(registration["official"]["nip"]) in RED_HEALTH and registration["health_category"] != "red":
                self.api.call("PATCH", f"/registrations/{registration['id']}", json={"health_category": "red"})
        rooms = barracks(confirmed)
        result = self.api.call("POST", f"/retreats/{retreat['id']}/groups/assign",
                               json={"platoons": 4, "rooms": rooms})
        sizes = ", ".join(f"{p['group']} {p['size']}" for p in result["platoons"])
        self.say(f"groups: {result['assigned']} officials in platoons ({sizes}) and {len(rooms)} rooms, "
                 f"{result['changed']} placement(s) changed")

    def where_to_look(self, retreat: dict) -> str:
        registration = self.settings.registration
        example = next((r for r in self.api.all(f"/retreats/{retreat['id']}/registrations", status="invited")), None)
        reports = f"{self.settings.reporting}/api/v1/reports/retreats/{retreat['id']}"
        lines = [
            "",
            f"The Kota Malang retreat {self.code} is ready (id {retreat['id']}).",
            f"  Registration API docs   {registration}/docs",
            f"  Sessions                {registration}/api/v1/retreats/{retreat['id']}/sessions",
            f"  Registrations           {registration}/api/v1/retreats/{retreat['id']}/registrations",
            f"  Platoons' rosters       {registration}/api/v1/retreats/{retreat['id']}/groups",
            f"  Badges to print         {registration}/api/v1/retreats/{retreat['id']}/badges.pdf?layout=a4",
            f"  Secretariat's summary   {reports}/summary   (also /units and /sessions)",
        ]
        if example:
            lines.append(f"  An invitation page      {example['invitation_url']}")
        lines += [
            "  Emails to the officials var/mail/  (list them: .venv/bin/python -m retret.devtools.mailbox var/mail)",
            f"  Sign in as {self.settings.username} (ADMIN_USERNAME / ADMIN_PASSWORD); the reports need the same token.",
        ]
        return "\n".join(lines)


def main() -> int:
    settings = Settings.from_environment()
    try:
        demo = Demo(settings, date.today())
        retreat = demo.run()
        print(demo.where_to_look(retreat))
    except DemoError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
