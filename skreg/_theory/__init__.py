"""The implementation of :mod:`skreg.theory`.

- ``checks``: validation of matrices and strengths, eigendecomposition;
- ``quadratic``: closed forms of L2 shrinkage and L1 thresholding on an array;
- ``curvature``: a fitted estimator's curvature as a matrix or an operator,
  and the penalised block with the intercepts profiled out;
- ``spectral``: effective parameters, log-determinants, top eigenvalues and
  spectral densities, exact or by Lanczos and stochastic quadrature.
"""
