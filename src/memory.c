/* Small helpers for torchbridge's data path: the address of an R vector's
 * data, and an uninitialised R vector for torch to fill. */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <R.h>
#include <Rinternals.h>

/* The address of x's data as a decimal string (Python ints passed back to R
 * wrap above 2^31 and doubles lose bits above 2^53, so a string it is).
 * DATAPTR_RO works for long vectors and for ALTREP vectors such as 1:n. */
SEXP tb_address(SEXP x) {
  switch (TYPEOF(x)) {
  case REALSXP: case INTSXP: case LGLSXP: case CPLXSXP: case RAWSXP:
    break;
  default:
    Rf_error("tb_address(): unsupported type %s", Rf_type2char(TYPEOF(x)));
  }
  char buf[32];
  uintptr_t p = XLENGTH(x) > 0 ? (uintptr_t) DATAPTR_RO(x) : 0;
  snprintf(buf, sizeof buf, "%" PRIuPTR, p);
  return Rf_mkString(buf);
}

static SEXPTYPE sexptype_of(const char *rtype) {
  if (!strcmp(rtype, "double") || !strcmp(rtype, "integer64")) return REALSXP;
  if (!strcmp(rtype, "integer")) return INTSXP;
  if (!strcmp(rtype, "logical")) return LGLSXP;
  if (!strcmp(rtype, "complex")) return CPLXSXP;
  if (!strcmp(rtype, "raw")) return RAWSXP;
  Rf_error("tb_alloc(): unknown R type '%s'", rtype);
  return NILSXP; /* not reached */
}

/* A new, uninitialised vector of the given R type and length, with dims when
 * `dims` is not NULL. `n` is a string so that long lengths pass exactly. */
SEXP tb_alloc(SEXP rtype, SEXP n, SEXP dims) {
  if (!Rf_isString(rtype) || XLENGTH(rtype) != 1 || !Rf_isString(n) || XLENGTH(n) != 1)
    Rf_error("tb_alloc(): bad arguments");
  SEXPTYPE type = sexptype_of(CHAR(STRING_ELT(rtype, 0)));
  char *end = NULL;
  double len = strtod(CHAR(STRING_ELT(n, 0)), &end);
  if (end == NULL || *end != '\0' || len < 0 || len > R_XLEN_T_MAX)
    Rf_error("tb_alloc(): bad length '%s'", CHAR(STRING_ELT(n, 0)));
  SEXP out = PROTECT(Rf_allocVector(type, (R_xlen_t) len));
  if (!Rf_isNull(dims)) {
    SEXP d = PROTECT(Rf_coerceVector(dims, INTSXP));
    Rf_setAttrib(out, R_DimSymbol, d);
    UNPROTECT(1);
  }
  UNPROTECT(1);
  return out;
}
