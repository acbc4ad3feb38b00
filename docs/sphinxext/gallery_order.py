"""Order of the example gallery: by topic, as the user guide reads.

sphinx-gallery takes the sort key by its importable name (a class called with
the gallery's source folder, returning a callable key), so that its
configuration stays picklable and Sphinx raises no ``config.cache`` warning.
"""

# The gallery scripts in reading order; scripts not listed follow, by file name.
TOPICS = [
    "plot_mlp_dropin.py",  # getting started: the drop-in replacement
    "plot_penalties.py",  # L2, L1 and elastic net
    "plot_eigen_shrinkage.py",  # L2 through the Hessian
    "plot_curvature.py",  # the curvature of a real network
    "plot_evidence.py",  # alpha chosen by the evidence
    "plot_sparsity.py",  # structured sparsity
    "plot_regularization_path.py",  # paths along alpha
    "plot_group_sparsity_digits.py",  # the group-sparsity protocol of Scardapane et al.
    "plot_dropout.py",  # dropout and class weights
    "plot_streaming.py",  # data larger than memory
    "plot_capacity.py",  # capacity and model selection
]


class TopicOrder:
    """Sort key: the listed scripts first, in ``TOPICS`` order, then the rest."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        if filename in TOPICS:
            return (0, TOPICS.index(filename), filename)
        return (1, 0, filename)

    def __repr__(self):
        return f"{self.__class__.__name__}()"
