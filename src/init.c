#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

SEXP tb_address(SEXP x);
SEXP tb_alloc(SEXP rtype, SEXP n, SEXP dims);
SEXP tb_length(SEXP x);
SEXP tb_alloc_scratch(SEXP rtype, SEXP n, SEXP dims, SEXP scratch);

static const R_CallMethodDef call_methods[] = {
  {"tb_address", (DL_FUNC) &tb_address, 1},
  {"tb_alloc", (DL_FUNC) &tb_alloc, 3},
  {"tb_length", (DL_FUNC) &tb_length, 1},
  {"tb_alloc_scratch", (DL_FUNC) &tb_alloc_scratch, 4},
  {NULL, NULL, 0}
};

void R_init_torchbridge(DllInfo *dll) {
  R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);
}
