"""Extensions created unbound here and bound to the app in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO

socketio = SocketIO()

# Per client address, for logins and joins; the in-memory counter suits the one-process
# server. Behind several workers set RATELIMIT_STORAGE_URI (e.g. redis://) to share one count.
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")
