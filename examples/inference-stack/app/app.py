"""Minimal Flask inference API for the Bulwark example scenario.

Serves a scikit-learn classifier trained by train.py on the iris dataset.

    POST /predict  {"features": [[5.1, 3.5, 1.4, 0.2], ...]}  ->  {"predictions": [0, ...]}
    GET  /healthz                                              ->  {"status": "ok"}

The model path comes from MODEL_PATH (default /app/model/model.joblib).

Note: joblib files are pickles, and loading one runs whatever code it contains.
Only load model files you built yourself or whose signature you verified
(see `bulwark model scan` / `bulwark model verify`).

Run locally:
    python train.py --output /tmp/model/model.joblib
    MODEL_PATH=/tmp/model/model.joblib gunicorn --bind 127.0.0.1:8080 app:app
"""

import math
import os

import joblib
import numpy as np
from flask import Flask, jsonify, request

DEFAULT_MODEL_PATH = "/app/model/model.joblib"
N_FEATURES = 4          # sepal length, sepal width, petal length, petal width (cm)
MAX_ROWS = 1000         # refuse absurdly large batches
MAX_BODY_BYTES = 1 << 20


def load_model(path):
    model = joblib.load(path)
    if not hasattr(model, "predict"):
        raise TypeError(f"{path} does not contain a fitted estimator")
    return model


def _parse_features(payload):
    """Return an (n, 4) float array, or raise ValueError with a message for the client."""
    if not isinstance(payload, dict) or "features" not in payload:
        raise ValueError('body must be a JSON object with a "features" key')
    rows = payload["features"]
    if not isinstance(rows, list) or not rows:
        raise ValueError('"features" must be a non-empty list of rows')
    if len(rows) > MAX_ROWS:
        raise ValueError(f'"features" may hold at most {MAX_ROWS} rows')
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != N_FEATURES:
            raise ValueError(f"row {i} must be a list of {N_FEATURES} numbers")
        for value in row:
            # bool is a subclass of int; reject it explicitly.
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"row {i} must contain only numbers")
            if not math.isfinite(value):
                raise ValueError(f"row {i} contains a non-finite number")
    return np.asarray(rows, dtype=np.float64)


def create_app(model=None, model_path=None):
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    if model is None:
        model = load_model(model_path or os.environ.get("MODEL_PATH", DEFAULT_MODEL_PATH))

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/predict")
    def predict():
        payload = request.get_json(silent=True)
        try:
            features = _parse_features(payload)
        except ValueError as exc:
            return jsonify(error=str(exc)), 400
        predictions = model.predict(features)
        return jsonify(predictions=[p.item() if hasattr(p, "item") else p for p in predictions])

    return app


# Module-level WSGI application for `gunicorn app:app`.
# Tests and tools can import create_app() instead; set BULWARK_EXAMPLE_NO_AUTOLOAD=1
# to import this module without loading a model.
app = None if os.environ.get("BULWARK_EXAMPLE_NO_AUTOLOAD") else create_app()

if __name__ == "__main__":
    # Development server only; production uses gunicorn.
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
