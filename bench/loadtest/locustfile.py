"""The load test's traffic (issue 22): a day at a state institute, squeezed, against gunicorn.

Run by bench/loadtest.py, which builds the data (bench/loadtest/data.py) and hands it over in LOADTEST_DATA (a
JSON file), with the fake Twilio's base URL in LOADTEST_TWILIO (the contacts read their SMS there).

Who is in it, and why these weights (a user class's weight is its share of the simulated people; each waits
between its actions as a person does, so the requests per second follow from both):
- Professionals (lawyers, psychologists, social workers), weight 8: most of the institute's people and most
  of its page views: "Mis expedientes", their cases, the agenda week, consultations recorded (POST).
- The front desk, weight 3: searches (POST, the name never in a URL), the intake page, the agenda and calls.
- Coordinators and the director, weight 2: the lists of all cases and priority cases (page 1 and further), the
  statistics dashboard, search.
- Merchants' tills, weight 4: card validations at the till, the busiest API of a state deployment.
- MIA phones, weight 3: an alert raised (client_id: the same press twice is one alert), its locations every few
  seconds (Idempotency-Key), the app polling its state, a contact reading her SMS and acknowledging on the live
  page (which polls too), then the alert cancelled with the PIN. Rare in life, but the path that must not fail.
- Visitors of the public site, weight 3.
- The bound, weight 1: the cheapest authenticated requests (a till's validation page with its session; the MIA
  app's settings with its token), named "bound: …", measured in the same run as everything else.

Every response is checked: its status and a marker in its body; anything else is a failure. Each simulated
person comes from an address of her own (X-Forwarded-For, read because the runner trusts 127.0.0.1 as the
reverse proxy, as a deployment behind nginx does): per-address limits count each person, as in production, and
are not raised. Staff sign in once through the real sign-in page (/cuenta/login/) with their password.
"""

import base64
import itertools
import json
import os
import random
import re
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ["LOADTEST_DATA"]).read_text())
TWILIO = os.environ.get("LOADTEST_TWILIO", "")
TWILIO_AUTH = "Basic " + base64.b64encode(b"ACbench:bench-token").decode()  # the runner's fake's credentials
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LIVE_LINK = re.compile(r"/a/([A-Za-z0-9_-]{16,})/")
_addresses = itertools.count()


def next_address() -> str:
    """A client address of her own in 127.0.0.0/8 (loopback: nothing here points anywhere else), never the
    proxy's own 127.0.0.1."""
    n = next(_addresses)
    return f"127.{10 + n // 62500}.{n // 250 % 250}.{n % 250 + 1}"


class Person(HttpUser):
    abstract = True

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = next_address()

    def check(self, method, url, name, *, statuses=(200,), marker=None, location=None, **kwargs):
        """One request; a failure unless its status is one of ``statuses``, its body holds ``marker`` and a
        redirect goes where ``location`` says. Returns the response (its text is read once)."""
        kwargs.setdefault("allow_redirects", False)
        with self.client.request(method, url, name=name, catch_response=True, **kwargs) as response:
            text = response.text or ""
            if response.status_code == 0:  # no answer: the connection failed or timed out
                response.failure(f"no answer: {response.error!r}")
            elif response.status_code not in statuses:
                response.failure(f"status {response.status_code} ({response.headers.get('Location', '')})")
            elif marker and marker not in text:
                response.failure(f"no {marker!r} in the page")
            elif location and location not in response.headers.get("Location", ""):
                response.failure(f"redirected to {response.headers.get('Location')!r}, not {location!r}")
            else:
                response.success()
            return response

    def sign_in(self, email):
        """Through the real sign-in page, once per simulated person."""
        token = self.form("/cuenta/login/", "GET /cuenta/login/", 'name="login"')
        self.check(
            "POST",
            "/cuenta/login/",
            "POST /cuenta/login/",
            statuses=(302,),
            data={"login": email, "password": DATA["password"], "csrfmiddlewaretoken": token},
        )

    def form(self, url, name, marker):
        """GET a page with a form; its CSRF token, or None (the failure is recorded)."""
        found = CSRF_INPUT.search(self.check("GET", url, name, marker=marker).text or "")
        return found.group(1) if found else None


class Staff(Person):
    abstract = True
    kind = ""

    def on_start(self):
        super().on_start()
        self.account = random.choice(DATA[self.kind])
        self.sign_in(self.account["email"])

    def search(self):
        name = random.choice(DATA["names"])
        token = self.form("/personas/", "GET /personas/ (search page)", 'name="q"')
        if token:
            self.check(
                "POST",
                "/personas/",
                "POST /personas/ (search)",
                data={"q": name, "csrfmiddlewaretoken": token},
                marker='name="q"',
            )


class Professional(Staff):
    weight = 8
    kind = "professionals"
    wait_time = between(3, 12)

    @task(4)
    def my_cases(self):
        self.check("GET", "/expedientes/", "GET /expedientes/ (Mis expedientes)", marker="Mis expedientes")

    @task(6)
    def case_page(self):
        folio = random.choice(self.account["folios"])
        self.check("GET", f"/expedientes/{folio}/", "GET /expedientes/[folio]/", marker=folio)

    @task(2)
    def agenda_week(self):
        self.check("GET", "/agenda/", "GET /agenda/ (week)", marker="agenda")

    @task(1)
    def my_pending(self):
        self.check("GET", "/expedientes/pendientes/", "GET /expedientes/pendientes/", marker="endientes")

    @task(1)
    def consultation(self):
        folio = random.choice(self.account["folios"])
        url = f"/expedientes/{folio}/atenciones/nueva/"
        token = self.form(url, "GET /expedientes/[folio]/atenciones/nueva/", 'name="summary"')
        if token:
            self.check(
                "POST",
                url,
                "POST /expedientes/[folio]/atenciones/nueva/",
                statuses=(302,),
                location=f"/expedientes/{folio}/",
                data={
                    "csrfmiddlewaretoken": token,
                    "modality": random.choice(["in_person", "phone", "video"]),
                    "started_at": _local_now(),
                    "duration_minutes": "50",
                    "summary": "Seguimiento: se revisaron acuerdos y se agendó la próxima sesión.",
                    "next_steps": "Acudir a la próxima cita.",
                },
            )


class FrontDesk(Staff):
    weight = 3
    kind = "reception"
    wait_time = between(3, 10)

    @task(4)
    def search_person(self):
        self.search()

    @task(2)
    def intake_page(self):
        self.check(
            "GET", "/expedientes/nueva-entrevista/", "GET /expedientes/nueva-entrevista/", marker='name="p-'
        )

    @task(1)
    def agenda_week(self):
        self.check("GET", "/agenda/", "GET /agenda/ (week)", marker="agenda")

    @task(1)
    def calls(self):
        self.check("GET", "/agenda/llamadas/", "GET /agenda/llamadas/", marker="lamadas")


class Management(Staff):
    """Coordinators and the director: the lists that grow with the institute."""

    weight = 2
    wait_time = between(4, 15)

    def on_start(self):
        self.kind = random.choice(["coordinators", "director"])
        super().on_start()

    @task(3)
    def all_active(self):
        self.check(
            "GET",
            "/expedientes/?scope=all&status=active",
            "GET /expedientes/ (all active)",
            marker='name="scope"',
        )

    @task(2)
    def priority(self):
        self.check(
            "GET",
            "/expedientes/?scope=all&status=priority",
            "GET /expedientes/ (priority)",
            marker='name="scope"',
        )

    @task(1)
    def further_page(self):
        page = random.randint(2, 10)
        self.check(
            "GET",
            f"/expedientes/?scope=all&status=&page={page}",
            "GET /expedientes/ (all, page 2-10)",
            statuses=(200, 404),  # past the last page of a small database: Django's paginator answers 404
            marker=None,
        )

    @task(1)
    def dashboard(self):
        self.check("GET", "/estadisticas/", "GET /estadisticas/ (dashboard)", marker="stad")

    @task(1)
    def search_person(self):
        self.search()


class Till(Person):
    """A merchant's till: signs in once, validates the cards shown to it."""

    weight = 4
    wait_time = between(2, 8)
    sequence = itertools.count()

    def on_start(self):
        super().on_start()
        self.sign_in(DATA["tills"][next(Till.sequence) % len(DATA["tills"])])  # one person per till
        self.csrf = self.client.cookies.get("csrftoken", "")

    @task(10)
    def validate(self):
        number = random.choice(DATA["cards"])
        response = self.check(
            "POST",
            "/api/v1/card/validate",
            "POST /api/v1/card/validate",
            json={"number": number},
            headers={"X-CSRFToken": self.csrf},
            marker='"result"',
        )
        if response.status_code == 200 and '"valid"' not in (response.text or ""):
            response.failure(f"an active card not valid: {response.text[:200]}")

    @task(1)
    def bound_page(self):
        self.check(
            "GET", "/tarjeta/validar/", "bound: GET /tarjeta/validar/ (session)", marker='name="number"'
        )


class MiaPhone(Person):
    """Her phone: an alert, its locations and state, a contact acknowledging, then her PIN."""

    weight = 3
    wait_time = between(10, 40)
    sequence = itertools.count()

    def on_start(self):
        super().on_start()
        self.account = DATA["mia"][next(MiaPhone.sequence) % len(DATA["mia"])]  # one phone per account
        self.auth = {"Authorization": f"Bearer {self.account['token']}"}

    @task
    def alert(self):
        raised = self.check(
            "POST",
            "/api/v1/mia/alerts",
            "POST /api/v1/mia/alerts",
            statuses=(201,),
            json={"client_id": uuid.uuid4().hex},
            headers=self.auth,
            marker='"active"',
        )
        if raised.status_code != 201:
            return
        alert = raised.json()["id"]
        try:
            self.while_on(alert)
        finally:  # she ends it with her PIN, whatever happened on the way
            self.check(
                "POST",
                f"/api/v1/mia/alerts/{alert}/cancel",
                "POST /api/v1/mia/alerts/[id]/cancel",
                json={"pin": self.account["pin"]},
                headers=self.auth,
                marker='"cancelled"',
            )

    def while_on(self, alert):
        """Six rounds, 2 s apart: a location, the app's poll; a contact acknowledges once her SMS came."""
        contact = random.choice(self.account["contacts"])
        live = None
        for round_ in range(6):
            self.check(
                "POST",
                f"/api/v1/mia/alerts/{alert}/locations",
                "POST /api/v1/mia/alerts/[id]/locations",
                statuses=(201,),
                json={
                    "lat": 28.63 + random.random() / 100,
                    "lon": -106.07 - random.random() / 100,
                    "accuracy": 15,
                },
                headers={**self.auth, "Idempotency-Key": uuid.uuid4().hex},
                marker="accuracy",
            )
            self.check(
                "GET",
                f"/api/v1/mia/alerts/{alert}",
                "GET /api/v1/mia/alerts/[id]",
                headers=self.auth,
                marker='"contacts"',
            )
            if live is None and round_ >= 1:
                live = self.contact_link(contact)
                if live:
                    self.acknowledge(live)
            self.check(
                "GET",
                "/api/v1/mia/me",
                "bound: GET /api/v1/mia/me (token)",
                headers=self.auth,
                marker="display_name",
            )
            self._sleep(2)
        if live is None:
            self.environment.events.request.fire(
                request_type="SMS",
                name="contact's SMS with the live link",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"no alert SMS reached {contact} within the alert"),
                context={},
            )

    def contact_link(self, phone):
        """The live page's token in the newest alert SMS the fake Twilio accepted for this contact."""
        query = urllib.parse.urlencode({"To": phone, "PageSize": 5})
        url = f"{TWILIO}/2010-04-01/Accounts/ACbench/Messages.json?{query}"
        request = urllib.request.Request(url, headers={"Authorization": TWILIO_AUTH})
        with urllib.request.urlopen(
            request, timeout=5
        ) as answer:  # the fake, not the app: not in the figures
            messages = json.loads(answer.read())["messages"]
        for message in messages:
            found = LIVE_LINK.search(message.get("body", ""))
            if found and found.group(1) not in self.__dict__.setdefault("seen", set()):
                self.seen.add(found.group(1))
                return found.group(1)
        return None

    def acknowledge(self, token):
        """The contact opens the link, the page polls, she presses "Voy en camino"."""
        page = self.check("GET", f"/a/{token}/", "GET /a/[token]/ (live page)", marker="csrfmiddlewaretoken")
        self.check("GET", f"/a/{token}/estado/", "GET /a/[token]/estado/ (live page polling)")
        found = CSRF_INPUT.search(page.text or "")
        if found:
            self.check(
                "POST",
                f"/a/{token}/enterado/",
                "POST /a/[token]/enterado/ (acknowledgement)",
                statuses=(302,),
                data={"csrfmiddlewaretoken": found.group(1)},
                location=f"/a/{token}/",
            )

    def _sleep(self, seconds):
        import gevent

        gevent.sleep(seconds)


class Visitor(Person):
    """The public site: no sign-in."""

    weight = 3
    wait_time = between(2, 10)

    @task(3)
    def home(self):
        self.check("GET", "/", "GET / (public home)", marker="9-1-1")

    @task(2)
    def services(self):
        self.check("GET", "/servicios/", "GET /servicios/", marker="9-1-1")

    @task(1)
    def contact(self):
        self.check("GET", "/contacto/", "GET /contacto/", marker="9-1-1")

    @task(1)
    def safe_browsing(self):
        self.check("GET", "/navega-con-seguridad/", "GET /navega-con-seguridad/", marker="9-1-1")


def _local_now() -> str:
    """Now in the institute's time zone, as the consultation form's datetime-local field sends it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("America/Chihuahua")).strftime("%Y-%m-%dT%H:%M")
