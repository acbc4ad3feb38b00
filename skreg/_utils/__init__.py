"""What the estimators need around the numerics: callbacks, state, threads, plots.

- ``callbacks``: scikit-learn's callback API, when installed;
- ``state``: a fitted estimator restored when a call that updates it fails;
- ``threads``: the BLAS thread count by problem size;
- ``plotting``: matplotlib, imported only when a figure is drawn.
"""
