"""Writes the legacy Keras .h5 fixtures of KerasTests with h5py (run once, e.g. in a venv under .build/:
`.build/fixture-venv/bin/python Tests/BulwarkArtifactsTests/Fixtures/keras/make_fixtures.py`).

Each file has the root attributes legacy Keras (tf.keras 2.x `save_format="h5"`) writes: `model_config`
(the JSON config), `keras_version`, `backend`, and a tiny weight dataset. The configs are test inputs:
`lambda-*` has a Lambda layer and an `os.system` reference (never load it with Keras)."""
import json
import os

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))

benign = {"class_name": "Sequential", "config": {"name": "s", "layers": [
    {"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "relu"}}]}}
evil = {"class_name": "Sequential", "config": {"name": "s", "layers": [
    {"class_name": "Lambda", "config": {"name": "l", "function": {"class_name": "__lambda__", "config": {"value": "4wAAAA=="}}}},
    {"class_name": "Dense", "config": {"name": "d", "units": 2,
                                       "kernel_initializer": {"module": "os", "class_name": "function", "config": "system"}}}]}}

for name, config, libver, fixed in [("benign-v0.h5", benign, "earliest", False), ("lambda-v0.h5", evil, "earliest", False),
                                    ("lambda-latest.h5", evil, "latest", False), ("lambda-fixed.h5", evil, "earliest", True)]:
    with h5py.File(os.path.join(here, name), "w", libver=libver) as f:
        text = json.dumps(config)
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = np.bytes_(text.encode()) if fixed else text
        f.create_dataset("model_weights/d/kernel", data=np.zeros((2, 2), dtype=np.float32))
