/// The globals that the ML libraries' own pickles reference, by framework: what `torch.save`,
/// `joblib.dump`/`pickle.dump` of scikit-learn, NumPy, SciPy, pandas, XGBoost and LightGBM
/// objects write. Everything here rebuilds data (tensors, arrays, estimators, boosters) and runs
/// no code chosen by the file. Exact names only, except the scikit-learn rule below.
///
/// The lists were written from the libraries' reduce/`__reduce_ex__` implementations for the
/// versions in each group's comment, then checked against the pickles the libraries themselves
/// write (`bench/gen-model-corpus.py`, run by `bench/model-scan-vs-peers`): with Python 3.11.7,
/// scikit-learn 1.9.1, NumPy 2.4.6, pandas 3.1.1, SciPy 1.17.1, joblib 1.6.0, XGBoost 3.2.0 and
/// LightGBM 4.7.0, every global of the corpus's benign pickles is allowed (entries marked
/// "checked" were added from that run). A name missing here is reported as unlisted (high).
enum PickleAllowlist {
    struct Group {
        var name: String
        var globals: [String: Set<String>]
    }

    static let groups: [Group] = [
        // CPython's own reduce helpers and value types (3.8–3.13).
        Group(name: "python", globals: [
            "builtins": ["set", "frozenset", "bytearray", "bytes", "complex", "slice", "range", "list", "dict",
                         "tuple", "int", "float", "str", "bool", "object"],
            "collections": ["OrderedDict", "defaultdict", "deque", "Counter"],
            "copyreg": ["_reconstructor", "__newobj__", "__newobj_ex__"],
            "_codecs": ["encode"],
            "datetime": ["datetime", "date", "time", "timedelta", "timezone"],
            "decimal": ["Decimal"],
            "fractions": ["Fraction"],
            "argparse": ["Namespace"],
            "pathlib": ["PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"],
        ]),
        // torch.save of tensors, parameters and state dicts (PyTorch 1.x–2.x).
        Group(name: "torch", globals: [
            "torch": ["BFloat16Storage", "BoolStorage", "ByteStorage", "CharStorage", "ComplexDoubleStorage",
                      "ComplexFloatStorage", "DoubleStorage", "FloatStorage", "HalfStorage", "IntStorage",
                      "LongStorage", "QInt32Storage", "QInt8Storage", "QUInt2x4Storage", "QUInt4x2Storage",
                      "QUInt8Storage", "ShortStorage", "Size", "device", "dtype", "layout", "memory_format",
                      "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8",
                      "bool", "complex64", "complex128", "float8_e4m3fn", "float8_e5m2", "strided", "sparse_coo",
                      "contiguous_format", "channels_last", "per_tensor_affine", "per_channel_affine"],
            "torch._utils": ["_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
                             "_rebuild_parameter_with_state", "_rebuild_sparse_tensor", "_rebuild_qtensor",
                             "_rebuild_device_tensor_from_numpy", "_rebuild_meta_tensor_no_storage",
                             "_rebuild_wrapper_subclass", "_rebuild_nested_tensor", "_rebuild_xla_tensor"],
            "torch._tensor": ["_rebuild_from_type_v2"],
            "torch.nn.parameter": ["Parameter"],
            "torch.storage": ["UntypedStorage", "TypedStorage", "_TypedStorage"],
            "torch.serialization": ["_get_layout"],
        ]),
        // NumPy arrays, dtypes and scalars (1.20–2.x; `numpy._core` since 2.0).
        Group(name: "numpy", globals: [
            "numpy": ["dtype", "ndarray", "float64", "float32", "int64", "int32", "bool_"],
            "numpy.core.multiarray": ["_reconstruct", "scalar"],
            "numpy._core.multiarray": ["_reconstruct", "scalar"],
            "numpy.core.numeric": ["_frombuffer"],
            "numpy._core.numeric": ["_frombuffer"],
            "numpy.ma.core": ["_mareconstruct", "MaskedArray"],
            "numpy.random._pickle": ["__randomstate_ctor", "__bit_generator_ctor", "__generator_ctor"],
            // Checked: the bit generators `__bit_generator_ctor` is handed (a class, constructed
            // without arguments, then `__setstate__` with its state dict), and the seed sequence
            // they keep. `__pyx_unpickle_SeedSequence(type, checksum, state)` is Cython's: it
            // checks the checksum, makes `SeedSequence.__new__(type)` (which refuses any type not
            // derived from SeedSequence) and sets the state.
            "numpy.random._mt19937": ["MT19937"], "numpy.random._pcg64": ["PCG64", "PCG64DXSM"],
            "numpy.random._philox": ["Philox"], "numpy.random._sfc64": ["SFC64"],
            "numpy.random.bit_generator": ["SeedSequence", "__pyx_unpickle_SeedSequence"],
            // Checked: masked arrays pickle their class under its public module.
            "numpy.ma": ["MaskedArray"],
            "numpy.dtypes": ["Float64DType", "Float32DType", "Int64DType", "Int32DType", "BoolDType", "ObjectDType",
                             "StrDType", "UInt8DType"],
        ]),
        // joblib.dump's array wrappers (0.11–1.4).
        Group(name: "joblib", globals: [
            "joblib.numpy_pickle": ["NumpyArrayWrapper"],
            "joblib.numpy_pickle_compat": ["NDArrayWrapper", "ZNDArrayWrapper"],
            "sklearn.externals.joblib.numpy_pickle": ["NumpyArrayWrapper"],
        ]),
        // SciPy sparse matrices (1.5–1.14).
        Group(name: "scipy", globals: [
            "scipy.sparse._csr": ["csr_matrix", "csr_array"], "scipy.sparse._csc": ["csc_matrix", "csc_array"],
            "scipy.sparse._coo": ["coo_matrix", "coo_array"], "scipy.sparse.csr": ["csr_matrix"],
            "scipy.sparse.csc": ["csc_matrix"], "scipy.sparse.coo": ["coo_matrix"],
        ]),
        // XGBoost and LightGBM models pickled through their scikit-learn wrappers.
        Group(name: "xgboost", globals: [
            "xgboost.core": ["Booster"],
            "xgboost.sklearn": ["XGBClassifier", "XGBRegressor", "XGBRanker", "XGBRFClassifier", "XGBRFRegressor"],
        ]),
        Group(name: "lightgbm", globals: [
            "lightgbm.basic": ["Booster"],
            "lightgbm.sklearn": ["LGBMClassifier", "LGBMRegressor", "LGBMRanker", "LGBMModel"],
        ]),
        // pandas frames and series (1.x–2.x).
        Group(name: "pandas", globals: [
            "pandas.core.frame": ["DataFrame"], "pandas.core.series": ["Series"],
            "pandas.core.internals.managers": ["BlockManager", "SingleBlockManager"],
            "pandas._libs.internals": ["_unpickle_block"],
            "pandas.core.indexes.base": ["_new_Index", "Index"], "pandas.core.indexes.range": ["RangeIndex"],
            "pandas._libs.tslibs.timestamps": ["_unpickle_timestamp"],
            // Checked (pandas 3.x): public classes pickle under the top-level module, which also
            // holds `read_pickle`, `eval` and the readers; so names, never the module. Each is a
            // data container or a dtype whose constructor and `__setstate__` only store values.
            "pandas": ["DataFrame", "Series", "Index", "RangeIndex", "MultiIndex", "Categorical", "CategoricalDtype",
                       "StringDtype", "DatetimeTZDtype", "PeriodDtype", "IntervalDtype", "Int64Dtype", "Float64Dtype",
                       "BooleanDtype", "Interval", "Period"],
            "pandas.arrays": ["DatetimeArray", "TimedeltaArray", "PeriodArray", "IntervalArray", "StringArray", "IntegerArray",
                              "FloatingArray", "BooleanArray"],
            // Cython's unpickle helpers: `X.__new__(type)` refuses a type not derived from X.
            "pandas._libs.arrays": ["__pyx_unpickle_NDArrayBacked"],
            "pandas._libs.interval": ["__pyx_unpickle_IntervalMixin"],
            // Rebuild a Timedelta from (value, resolution); NaT's reduce returns the singleton.
            "pandas._libs.tslibs.timedeltas": ["_timedelta_unpickle"],
            "pandas._libs.tslibs.nattype": ["_nat_unpickle"],
            // A Period's frequency (date offsets store n and normalize).
            "pandas._libs.tslibs.offsets": ["MonthEnd"],
        ]),
        // scikit-learn names the capitalised-class rule below does not reach (checked, 1.9.1).
        Group(name: "scikit-learn", globals: [
            // `newObj(cls)` is `cls.__new__(cls)`, as `copyreg.__newobj__` is: the trees and
            // distance metrics pickle themselves through it. The class it is given is an import of
            // its own, judged by itself.
            "sklearn.neighbors._kd_tree": ["newObj"], "sklearn.neighbors._ball_tree": ["newObj"],
            "sklearn.metrics._dist_metrics": ["newObj"],
            // HistGradientBoosting's binner: an estimator whose name starts with an underscore.
            "sklearn.ensemble._hist_gradient_boosting.binning": ["_BinMapper"],
        ]),
    ]

    /// scikit-learn modules whose classes are not estimators or their parts.
    static let scikitLearnExcluded = ["sklearn.utils._testing", "sklearn.datasets", "sklearn.externals",
                                      "sklearn.utils._show_versions", "sklearn.experimental"]

    private static let index: [PickleGlobal: String] = {
        var index: [PickleGlobal: String] = [:]
        for group in groups {
            for (module, names) in group.globals {
                for name in names { index[PickleGlobal(module: module, name: name)] = group.name }
            }
        }
        return index
    }()

    /// The group that names the global exactly, if any (the scikit-learn rule below is not exact).
    static func exactGroup(of global: PickleGlobal) -> String? {
        index[global]
    }

    /// The group that allows the global, if any. scikit-learn estimators are allowed as classes:
    /// a capitalised name in a `sklearn.*` module (their constructors store parameters; their
    /// state arrives through `__setstate__` as a dict), never a function, and not in the modules
    /// above.
    static func group(of global: PickleGlobal) -> String? {
        if let group = index[global] { return group }
        if global.module.hasPrefix("sklearn."),
           !scikitLearnExcluded.contains(where: { global.module == $0 || global.module.hasPrefix($0 + ".") }),
           let first = global.name.first, first.isUppercase, !global.name.contains(".") {
            return "scikit-learn"
        }
        return nil
    }
}
