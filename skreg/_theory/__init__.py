"""The implementation of :mod:`skreg.theory`.

- ``checks``: validation of matrices and strengths, eigendecomposition;
- ``quadratic``: closed forms of L2 shrinkage and L1 thresholding on an array;
- ``operators``: a data term's curvature as a ``LinearOperator``, and the
  penalised block with the intercepts profiled out;
- ``spectral``: effective parameters, log-determinants, top eigenvalues and
  spectral densities, exact or by Lanczos and stochastic quadrature;
- ``gauss_newton``: the weights' Gauss-Newton curvature as the evidence needs
  it, positive semi-definite by construction (exact, or Kronecker-factored);
- ``evidence``: MacKay's evidence update of alpha and the log evidence, at
  the parameters of a fit of an objective;
- ``laplace``: the linearised Laplace posterior and its predictive std;
- ``curvature``: the functions that take a fitted estimator (its curvature
  as a matrix or an operator, its log evidence).  It imports the estimators,
  which import the modules above: those never import it.
"""
