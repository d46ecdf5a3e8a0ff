"""gunicorn's entry point: `gunicorn fraud_api.wsgi:application`."""

from fraud_api.app import create_app
from fraud_api.model_store import ModelStore
from fraud_api.settings import connector, reload_seconds

store = ModelStore(connector())
store.watch(reload_seconds())
application = create_app(store)
