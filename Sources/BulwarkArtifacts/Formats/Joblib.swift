/// A `numpy.dtype` as a pickle rebuilds it: `numpy.dtype(type, False, True)` by `REDUCE`, then its
/// `__setstate__` tuple by `BUILD`: `(version, byteorder, subarray, names, fields, elsize, alignment,
/// flags[, metadata])` (numpy's `arraydescr_setstate`). Only what sizes an array is kept: the item
/// size (`elsize`, or the digits of the type string: `f8`, `c16`, `U5` × 4) and whether items hold
/// Python objects (`O`, or the `NPY_ITEM_REFCOUNT` flag 0x01 that a structured dtype with an object
/// field carries).
struct NumpyDtype: Sendable {
    /// The globals that build a dtype in numpy 1.x and 2.x pickles.
    static let constructors: Set<PickleGlobal> = [
        PickleGlobal(module: "numpy", name: "dtype"),
        PickleGlobal(module: "numpy.core.multiarray", name: "dtype"),
        PickleGlobal(module: "numpy._core.multiarray", name: "dtype"),
    ]

    var type: String
    var elementSize: Int?
    var flags: Int?

    init(type: String) {
        self.type = type
    }

    mutating func setState(_ items: [PickleAnalyzer.Value]) {
        if items.count > 5, case .int(let size) = items[5], size > 0 { elementSize = size }
        if items.count > 7, case .int(let flags) = items[7] { self.flags = flags }
    }

    var holdsObjects: Bool { type.hasPrefix("O") || (flags ?? 0) & 0x01 != 0 }

    /// Bytes per item, nil when neither the state nor the type string says.
    var itemSize: Int? {
        if let elementSize { return elementSize }
        let letters = type.prefix { $0.isLetter }
        guard let digits = Int(type.dropFirst(letters.count)), digits >= 0 else { return nil }
        return letters == "U" ? digits * 4 : digits
    }
}

/// A joblib `NumpyArrayWrapper` about to be read: `joblib.dump` replaces each ndarray by this
/// object and writes the array's bytes right after the wrapper's `BUILD`, outside any pickle opcode;
/// `NumpyUnpickler.load_build` reads them from the file (joblib/numpy_pickle.py, `read_array`). The
/// state dict gives `shape`, `dtype` and, since joblib 1.2, `numpy_array_alignment_bytes` (a padding
/// length byte then padding precede the data when it is set).
struct JoblibArray: Sendable {
    static let wrappers: Set<PickleGlobal> = [
        PickleGlobal(module: "joblib.numpy_pickle", name: "NumpyArrayWrapper"),
        PickleGlobal(module: "sklearn.externals.joblib.numpy_pickle", name: "NumpyArrayWrapper"),
    ]

    var holdsObjects: Bool
    var aligned: Bool
    var byteCount: Int

    init(state: PickleAnalyzer.Value, dtypes: [NumpyDtype]) throws(PickleAnalyzer.Machine.Failure) {
        guard case .dict(let items) = state else {
            throw .init(message: "a joblib NumpyArrayWrapper's state is not a dict: its array data cannot be located")
        }
        guard case .dtype(let index, _)? = items["dtype"], dtypes.indices.contains(index) else {
            throw .init(message: "a joblib NumpyArrayWrapper's dtype cannot be read: its array data cannot be located")
        }
        let dtype = dtypes[index]
        holdsObjects = dtype.holdsObjects
        if case .int? = items["numpy_array_alignment_bytes"] { aligned = true } else { aligned = false }
        byteCount = 0
        if holdsObjects { return }
        guard case .tuple(let shape)? = items["shape"] else {
            throw .init(message: "a joblib NumpyArrayWrapper's shape cannot be read: its array data cannot be located")
        }
        guard let itemSize = dtype.itemSize else {
            throw .init(message: "a joblib array's dtype \(dtype.type.debugDescription) has no size: its data cannot be located")
        }
        // numpy multiplies the dimensions as int64 (`np.multiply.reduce`); an overflow there is an
        // array joblib cannot allocate.
        var count = 1
        for dimension in shape {
            guard case .int(let size) = dimension, size >= 0 else {
                throw .init(message: "a joblib array's shape holds \(dimension.describe), not a size: its data cannot be located")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw .init(message: "a joblib array's shape overflows 64 bits") }
            count = product
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow else { throw .init(message: "a joblib array's size overflows 64 bits") }
        byteCount = bytes
    }
}
