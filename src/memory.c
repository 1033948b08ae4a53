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

/* XLENGTH(x) as a decimal string: the true length of the data, which an S3
 * length() method can't change (classes such as AsIs and integer64 may
 * carry one), and exact for long vectors. */
SEXP tb_length(SEXP x) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.0f", (double) XLENGTH(x));
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

static size_t elt_size(SEXPTYPE type) {
  switch (type) {
  case REALSXP: return sizeof(double);
  case INTSXP: case LGLSXP: return sizeof(int);
  case CPLXSXP: return sizeof(Rcomplex);
  case RAWSXP: return 1;
  default: return 0;
  }
}

static void *data_of(SEXP x) {
  switch (TYPEOF(x)) {
  case REALSXP: return REAL(x);
  case INTSXP: return INTEGER(x);
  case LGLSXP: return LOGICAL(x);
  case CPLXSXP: return COMPLEX(x);
  case RAWSXP: return RAW(x);
  default: return NULL;
  }
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

/* tb_alloc(), filled from the first bytes of `scratch` (a raw vector that
 * torch wrote a small result into): small conversions then need one call
 * into Python instead of two. */
SEXP tb_alloc_scratch(SEXP rtype, SEXP n, SEXP dims, SEXP scratch) {
  if (TYPEOF(scratch) != RAWSXP) Rf_error("tb_alloc_scratch(): bad scratch");
  SEXP out = PROTECT(tb_alloc(rtype, n, dims));
  size_t nbytes = (size_t) XLENGTH(out) * elt_size(TYPEOF(out));
  if (nbytes > (size_t) XLENGTH(scratch)) Rf_error("tb_alloc_scratch(): result larger than scratch");
  if (nbytes > 0) memcpy(data_of(out), RAW(scratch), nbytes);
  UNPROTECT(1);
  return out;
}
