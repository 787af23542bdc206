"""Writes the joblib fixtures of JoblibTests (run once with joblib and numpy installed, e.g. in a venv
under .build/: `.build/fixture-venv/bin/python Tests/BulwarkArtifactsTests/Fixtures/joblib/make_fixtures.py`).

benign-*.joblib*: a dict of numeric arrays (aligned, Fortran order, 0-d, empty), an object array and
plain values, uncompressed and with each compressor joblib has. malicious-TEST-ONLY-*: test inputs for
the scanner only; each would run `os.system("true")` if loaded (never load them)."""
import os
import sys

import joblib
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def benign():
    return {
        "weights": np.arange(12, dtype=np.float64).reshape(3, 4),
        "fortran": np.asfortranarray(np.ones((2, 3), dtype=np.int32)),
        "scalar": np.array(7, dtype=np.int16),
        "empty": np.zeros((0, 5), dtype=np.float32),
        "text": np.array(["ab", "cde"]),
        # Bytes that look like pickle opcodes: skipped as array data, never read as a program.
        "opcodes": np.frombuffer(b"cposix\nsystem\n(S'id'\ntR.", dtype=np.uint8),
        "objects": np.array([{"a": 1}, "two", 3.0], dtype=object),
        "name": "classifier",
        "version": 3,
    }


class Payload:
    def __reduce__(self):
        return (os.system, ("true",))


for name, compress in [("benign.joblib", 0), ("benign.joblib.z", ("zlib", 3)), ("benign.joblib.gz", ("gzip", 3)),
                       ("benign.joblib.bz2", ("bz2", 3)), ("benign.joblib.xz", ("xz", 3)),
                       ("benign.joblib.lzma", ("lzma", 3))]:
    joblib.dump(benign(), os.path.join(here, name), compress=compress)

# The payload inside an object array: only the nested pickle after the wrapper holds it.
joblib.dump({"x": np.ones(4), "objects": np.array([Payload()], dtype=object)},
            os.path.join(here, "malicious-TEST-ONLY-object-array.joblib"))
joblib.dump({"x": np.ones(4), "objects": np.array([Payload()], dtype=object)},
            os.path.join(here, "malicious-TEST-ONLY-object-array.joblib.z"), compress=3)
print("joblib", joblib.__version__, "numpy", np.__version__, file=sys.stderr)
