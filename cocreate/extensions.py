"""Extensions created unbound here and bound to the app in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO

socketio = SocketIO()

# Per client address, for logins and joins. The storage comes from the app's
# RATELIMIT_STORAGE_URI: memory:// (the default) suits the one-process server; behind several
# workers a redis:// URL makes them share one count (docs/deploy.md).
limiter = Limiter(key_func=get_remote_address)
