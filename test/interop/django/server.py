"""Localpayment's token API on the real Django REST framework + djangorestframework-simplejwt.

One file: settings, URLs and views, served by Django's own threaded development server on
127.0.0.1. Started by test/interop/support/djangoServer.ts with Debian's /usr/bin/python3.

Environment (all set by the test):
  TK_PORT              port to listen on; 0 (default) picks a free one
  TK_ACCESS_LIFETIME   ACCESS_TOKEN_LIFETIME in seconds
  TK_REFRESH_LIFETIME  REFRESH_TOKEN_LIFETIME in seconds
  TK_ROTATE            "1": ROTATE_REFRESH_TOKENS
  TK_BLACKLIST         "1": BLACKLIST_AFTER_ROTATION, with the token_blacklist app and its tables
  TK_USERNAME, TK_PASSWORD  the one user, created at start

Prints "listening on http://127.0.0.1:PORT" on stdout once it accepts connections, and exits
when its standard input closes (the test that started it is gone).

Besides Localpayment's routes it serves GET /interop/events: every request to the API routes,
in order, with its status, the jti of the refresh token it presented and the jti of the refresh
token it was given (read from the JWTs, which the test cannot see inside tokenkeeper).
"""

import base64
import json
import os
import sys
import tempfile
import threading
from datetime import timedelta

import django
from django.conf import settings

ROTATE = os.environ.get("TK_ROTATE") == "1"
BLACKLIST = os.environ.get("TK_BLACKLIST") == "1"
DATA_DIR = tempfile.mkdtemp(prefix="tokenkeeper-interop-django-")

settings.configure(
    DEBUG=False,
    SECRET_KEY=base64.b64encode(os.urandom(32)).decode(),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "rest_framework",
        "rest_framework_simplejwt",
    ]
    + (["rest_framework_simplejwt.token_blacklist"] if BLACKLIST else []),
    MIDDLEWARE=[
        __name__ + ".Recorder",
        "django.middleware.common.CommonMiddleware",
    ],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(DATA_DIR, "db.sqlite3"),
        }
    },
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    },
    SIMPLE_JWT={
        "ACCESS_TOKEN_LIFETIME": timedelta(seconds=float(os.environ.get("TK_ACCESS_LIFETIME", "300"))),
        "REFRESH_TOKEN_LIFETIME": timedelta(seconds=float(os.environ.get("TK_REFRESH_LIFETIME", "86400"))),
        "ROTATE_REFRESH_TOKENS": ROTATE,
        "BLACKLIST_AFTER_ROTATION": BLACKLIST,
    },
)
django.setup()

from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.permissions import IsAuthenticated  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402
from rest_framework_simplejwt.authentication import JWTAuthentication  # noqa: E402
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView  # noqa: E402

EVENTS = []
EVENTS_LOCK = threading.Lock()
RECORDED = ("/api/token/", "/api/token/refresh/", "/api/validation/document")


def jti_of(token):
    """The jti claim of a JWT, unverified; None for anything else."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return claims.get("jti")
    except Exception:
        return None


def refresh_in(raw):
    try:
        body = json.loads(raw)
        return body.get("refresh") if isinstance(body, dict) else None
    except Exception:
        return None


class Recorder:
    """Records each API request; reading request.body here leaves it readable for DRF."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in RECORDED:
            return self.get_response(request)
        presented = jti_of(refresh_in(request.body)) if request.path == "/api/token/refresh/" else None
        response = self.get_response(request)
        issued = None
        if request.path != "/api/validation/document" and response.status_code == 200:
            issued = jti_of(refresh_in(response.content))
        with EVENTS_LOCK:
            EVENTS.append(
                {
                    "path": request.path,
                    "status": response.status_code,
                    "presented": presented,
                    "issued": issued,
                }
            )
        return response


class ValidateDocument(APIView):
    """Localpayment's document validation, as a protected DRF view."""

    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = request.data
        return Response(
            {
                "country": data.get("country"),
                "document": data.get("document"),
                "valid": True,
                "name": "INTEROP HOLDER S.A.",
            }
        )


def events(request):
    with EVENTS_LOCK:
        return JsonResponse(list(EVENTS), safe=False)


urlpatterns = [
    path("api/token/", TokenObtainPairView.as_view()),
    path("api/token/refresh/", TokenRefreshView.as_view()),
    path("api/validation/document", ValidateDocument.as_view()),
    path("interop/events", events),
]


def watch_parent():
    """Exit when the test that started this server closes our stdin (or dies)."""
    sys.stdin.read()
    os._exit(0)


def main():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    get_user_model().objects.create_user(os.environ["TK_USERNAME"], password=os.environ["TK_PASSWORD"])

    threading.Thread(target=watch_parent, daemon=True).start()
    server = ThreadedWSGIServer(("127.0.0.1", int(os.environ.get("TK_PORT", "0"))), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
