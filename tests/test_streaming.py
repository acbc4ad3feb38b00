"""Data larger than memory: ``partial_fit`` over chunks of a memory-mapped file.

Training reads one chunk at a time from a ``.npy`` file on disk, so peak
resident memory does not grow with the data: the test measures it in a fresh
process for a file and for one ten times larger.  Each chunk is mapped on its
own (see :func:`iter_row_chunks`): with one memory map of the whole file,
every page read stays mapped and counts as resident until the map is closed,
so the resident size grows with the file even though the kernel could drop
those pages.
"""

import inspect
import subprocess
import sys

import numpy as np
import pytest

from skreg import RegularizedMLPClassifier, RegularizedMLPRegressor

N_FEATURES = 50
CHUNK_ROWS = 10_000
CLASSES = np.arange(3)


def iter_row_chunks(path, chunk_rows):
    """Yield consecutive blocks of rows of a ``.npy`` file, each mapped alone.

    A block's memory map is closed once the caller drops it, so only the
    current block is ever resident.
    """
    whole = np.load(path, mmap_mode="r")  # reads the header only
    shape, dtype, offset = whole.shape, whole.dtype, whole.offset
    del whole
    row_bytes = dtype.itemsize * int(np.prod(shape[1:]))
    for start in range(0, shape[0], chunk_rows):
        rows = min(chunk_rows, shape[0] - start)
        yield np.memmap(
            path, dtype=dtype, mode="r", offset=offset + start * row_bytes,
            shape=(rows, *shape[1:]),
        )  # fmt: skip


def write_dataset(directory, n_samples, seed=0):
    """Write X (float32) and 3-class labels y as .npy files, chunk by chunk."""
    rng = np.random.default_rng(seed)
    direction = rng.standard_normal(N_FEATURES)
    X_path, y_path = directory / f"X_{n_samples}.npy", directory / f"y_{n_samples}.npy"
    X = np.lib.format.open_memmap(
        X_path, mode="w+", dtype=np.float32, shape=(n_samples, N_FEATURES)
    )
    y = np.lib.format.open_memmap(y_path, mode="w+", dtype=np.int8, shape=(n_samples,))
    for start in range(0, n_samples, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n_samples)
        block = rng.standard_normal((stop - start, N_FEATURES), dtype=np.float32)
        X[start:stop] = block
        y[start:stop] = np.digitize(block @ direction, [-3.0, 3.0])
    X.flush()
    y.flush()
    del X, y  # unmap
    return X_path, y_path


def _stream(model, X_path, y_path, **fit_params):
    for X_chunk, y_chunk in zip(
        iter_row_chunks(X_path, CHUNK_ROWS),
        iter_row_chunks(y_path, CHUNK_ROWS),
        strict=True,
    ):
        model.partial_fit(X_chunk, y_chunk, **fit_params)
    return model


def _classifier():
    return RegularizedMLPClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0
    )


def test_memmap_chunks_train_like_in_memory_chunks(tmp_path):
    X_path, y_path = write_dataset(tmp_path, 35_000)
    streamed = _stream(_classifier(), X_path, y_path, classes=CLASSES)
    X, y = np.load(X_path), np.load(y_path)
    in_memory = _classifier()
    for start in range(0, len(y), CHUNK_ROWS):
        rows = slice(start, start + CHUNK_ROWS)
        in_memory.partial_fit(X[rows], y[rows], classes=CLASSES)
    for a, b in zip(
        streamed.coefs_ + streamed.intercepts_,
        in_memory.coefs_ + in_memory.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(a, b, strict=True)
    assert streamed.coefs_[0].dtype == np.float32  # no float64 copy of the data
    assert streamed.score(X[:5000], y[:5000]) > 0.8


def test_streaming_regressor_on_memmap(tmp_path):
    X_path, _ = write_dataset(tmp_path, 25_000)
    y = np.load(X_path, mmap_mode="r")[:, :2].sum(axis=1)
    y_path = tmp_path / "target.npy"
    np.save(y_path, y)
    model = RegularizedMLPRegressor(
        hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0
    )
    for _ in range(3):
        _stream(model, X_path, y_path)
    X_test = np.load(X_path, mmap_mode="r")[:2000]
    assert model.score(X_test, y[:2000]) > 0.9


# ---------------------------------------------------------- resident memory
_MEASURE = """
import sys
import numpy as np
from skreg import RegularizedMLPClassifier

{helper}

X_path, y_path, chunk_rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = RegularizedMLPClassifier(hidden_layer_sizes=(16,), random_state=0)
for X_chunk, y_chunk in zip(
    iter_row_chunks(X_path, chunk_rows), iter_row_chunks(y_path, chunk_rows)
):
    model.partial_fit(X_chunk, y_chunk, classes=[0, 1, 2])
with open("/proc/self/status") as status:
    print(next(line for line in status if line.startswith("VmHWM:")))
"""

# Allowed growth of peak RSS when the data grows tenfold (20 MB -> 200 MB);
# measured: +0.4 MB.
MARGIN_MIB = 16


def _peak_rss_mib(X_path, y_path):
    """Peak resident memory of a fresh process that streams the files.

    Read from VmHWM, the high-water mark of the process image: getrusage's
    ru_maxrss would also count the parent's (pytest's) peak, which Linux
    carries over a fork and exec.
    """
    script = _MEASURE.format(helper=inspect.getsource(iter_row_chunks))
    result = subprocess.run(
        [sys.executable, "-c", script, str(X_path), str(y_path), str(CHUNK_ROWS)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    _, kib, unit = result.stdout.split()
    assert unit == "kB"
    return int(kib) / 1024


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_peak_memory_flat_when_data_grows_tenfold(tmp_path, capsys):
    small = write_dataset(tmp_path, 100_000)  # 20 MB of float32
    large = write_dataset(tmp_path, 1_000_000)  # 200 MB
    data_mib = [path.stat().st_size / 2**20 for path in (small[0], large[0])]
    peaks = [_peak_rss_mib(*small), _peak_rss_mib(*large)]
    with capsys.disabled():
        print(
            f"\npeak RSS, partial_fit over {CHUNK_ROWS}-row chunks: "
            f"{peaks[0]:.1f} MiB for {data_mib[0]:.0f} MiB of data, "
            f"{peaks[1]:.1f} MiB for {data_mib[1]:.0f} MiB"
        )
    assert peaks[1] <= peaks[0] + MARGIN_MIB
    assert data_mib[1] - data_mib[0] > 10 * MARGIN_MIB  # the margin is meaningful


# ------------------------------------------------------------ dask-ml
def test_dask_ml_incremental_matches_partial_fit(tmp_path):
    pytest.importorskip("dask")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    import dask.array as da

    X_path, y_path = write_dataset(tmp_path, 30_000)
    X = da.from_array(np.load(X_path, mmap_mode="r"), chunks=(CHUNK_ROWS, -1))
    y = da.from_array(np.load(y_path, mmap_mode="r"), chunks=CHUNK_ROWS)
    incremental = wrappers.Incremental(_classifier(), shuffle_blocks=False)
    incremental.fit(X, y, classes=CLASSES)
    expected = _stream(_classifier(), X_path, y_path, classes=CLASSES)
    fitted = incremental.estimator_
    for a, b in zip(
        fitted.coefs_ + fitted.intercepts_,
        expected.coefs_ + expected.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(a, b, strict=True)
    X_test = np.load(X_path, mmap_mode="r")[:2000]
    predicted = incremental.predict(X[:2000]).compute()
    np.testing.assert_array_equal(predicted, expected.predict(X_test))
