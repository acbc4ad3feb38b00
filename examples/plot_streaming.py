"""
==============================================
Training on data larger than memory, in chunks
==============================================

``partial_fit`` runs one epoch over the data it is given and keeps the
optimizer's state between calls, so a network can learn from a file that does
not fit in memory by reading it one chunk at a time.  Here the "large" file is
a ``.npy`` array written to a temporary folder; each chunk of rows is opened
as a memory map of its own, so only one chunk is resident at a time.  The
inputs are standardized on the way with a
:class:`~sklearn.preprocessing.StandardScaler`, whose ``partial_fit`` computes
the mean and variance in a first pass over the chunks.

The figure shows the learning curve: the held-out accuracy after every chunk,
over three passes through the file, for the L2 and the L1 penalty, and the
fraction of the L1 network's first-layer weights that are exactly zero.
"""

# %%
# A file on disk, written chunk by chunk
# --------------------------------------
# 200,000 samples of 20 features, stored as float32 (16 MB here; the same code
# reads a file of any size).  Only 5 features carry the signal, and the
# features have very different scales, which the scaler fixes.
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skreg import RegularizedMLPClassifier  # noqa: E402

N_SAMPLES, N_FEATURES, CHUNK_ROWS = 200_000, 20, 10_000
rng = np.random.default_rng(0)
scales = np.logspace(-2, 2, N_FEATURES).astype(np.float32)
informative = rng.standard_normal((5, 3))


def make_rows(n_rows):
    """Inputs with very different scales and 3 classes read off 5 features."""
    Z = rng.standard_normal((n_rows, N_FEATURES), dtype=np.float32)
    y = np.argmax(np.tanh(Z[:, :5]) @ informative, axis=1)
    return Z * scales, y.astype(np.int8)


folder = tempfile.TemporaryDirectory()
X_path, y_path = Path(folder.name) / "X.npy", Path(folder.name) / "y.npy"
X_file = np.lib.format.open_memmap(
    X_path, mode="w+", dtype=np.float32, shape=(N_SAMPLES, N_FEATURES)
)
y_file = np.lib.format.open_memmap(y_path, mode="w+", dtype=np.int8, shape=(N_SAMPLES,))
for start in range(0, N_SAMPLES, CHUNK_ROWS):
    X_file[start : start + CHUNK_ROWS], y_file[start : start + CHUNK_ROWS] = make_rows(
        CHUNK_ROWS
    )
X_file.flush()
y_file.flush()
del X_file, y_file  # closes the maps

X_test, y_test = make_rows(5_000)  # a held-out set, small enough for memory
classes = np.arange(3)


# %%
# Reading one chunk at a time
# ---------------------------
# ``np.load(path, mmap_mode="r")`` maps the whole file, and every page read
# through it stays mapped, and counted as resident, until the map is closed.
# Mapping each chunk on its own keeps the resident memory at one chunk,
# whatever the size of the file.
def iter_row_chunks(path, chunk_rows):
    """Yield consecutive blocks of rows of a .npy file, each mapped alone."""
    whole = np.load(path, mmap_mode="r")  # reads the header only
    shape, dtype, offset = whole.shape, whole.dtype, whole.offset
    del whole
    row_bytes = dtype.itemsize * int(np.prod(shape[1:]))
    for start in range(0, shape[0], chunk_rows):
        rows = min(chunk_rows, shape[0] - start)
        yield np.memmap(
            path,
            dtype=dtype,
            mode="r",
            offset=offset + start * row_bytes,
            shape=(rows, *shape[1:]),
        )


def iter_chunks():
    return zip(
        iter_row_chunks(X_path, CHUNK_ROWS),
        iter_row_chunks(y_path, CHUNK_ROWS),
        strict=True,
    )


# First pass: the scaler's statistics.
scaler = StandardScaler()
for X_chunk, _ in iter_chunks():
    scaler.partial_fit(X_chunk)
X_test_scaled = scaler.transform(X_test)

# %%
# Learning curves
# ---------------
# Each ``partial_fit`` call is one epoch of Adam over a chunk, in mini-batches
# of 200.  With ``partial_fit`` the penalty is divided by the weight sum of the
# chunk, so ``alpha`` is the strength for a chunk of 10,000 samples.
N_PASSES = 3
models = {
    penalty: RegularizedMLPClassifier(
        hidden_layer_sizes=(32,),
        penalty=penalty,
        alpha=30.0,
        learning_rate_init=3e-3,
        random_state=0,
    )
    for penalty in ("l2", "l1")
}
seen, accuracy = [], {penalty: [] for penalty in models}
zero_fraction = []
n_seen = 0
for _ in range(N_PASSES):
    for X_chunk, y_chunk in iter_chunks():
        X_chunk = scaler.transform(X_chunk)
        for penalty, model in models.items():
            model.partial_fit(X_chunk, y_chunk, classes=classes)
            accuracy[penalty].append(model.score(X_test_scaled, y_test))
        n_seen += len(y_chunk)
        seen.append(n_seen)
        zero_fraction.append(models["l1"].sparsity_[0])
folder.cleanup()

for penalty in models:
    print(f"{penalty}: held-out accuracy {accuracy[penalty][-1]:.3f}")
print(f"l1: {zero_fraction[-1]:.0%} of the first-layer weights are zero")

# %%
# The figure
# ----------
fig, (ax_score, ax_zero) = plt.subplots(1, 2, figsize=(10, 4))
for penalty, scores in accuracy.items():
    ax_score.plot(seen, scores, label=f'penalty="{penalty}"')
for n_pass in range(1, N_PASSES):
    ax_score.axvline(n_pass * N_SAMPLES, color="0.8", lw=1, zorder=0)
ax_score.set_xlabel("samples seen (3 passes over the file)")
ax_score.set_ylabel("held-out accuracy")
ax_score.set_title("Learning curve, one chunk at a time")
ax_score.legend()
ax_zero.plot(seen, zero_fraction, color="C1")
ax_zero.set_xlabel("samples seen")
ax_zero.set_ylabel("fraction of zero weights")
ax_zero.set_ylim(0, 1)
ax_zero.set_title('First layer of the "l1" network')
fig.tight_layout()
plt.show()
