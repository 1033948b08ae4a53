# `make check-memory`, stage 2: run under valgrind memcheck by
# tools/check-memory.sh, which reads the valgrind log afterwards:
#
#   R -d "valgrind --tool=memcheck --error-exitcode=0 \
#     --suppressions=tools/valgrind.supp --log-file=..." \
#     --vanilla -f tools/check-memory-valgrind.R
#
# The same conversions as check-memory-gctorture.R, fewer and tiny (Python
# and torch run about 50 times slower under valgrind). Some inputs are
# longer than 128 bytes on purpose: R allocates those with malloc(), so
# valgrind sees their bounds and when R frees them; smaller vectors live in
# R's own pages, which valgrind can't tell apart. The lifetime cases run
# with a collection every few allocations (gctorture2()), so that memory R
# no longer holds is actually freed while torch may still read it.
#
# Results are checked with identical() too; the last line is
#   valgrind-script: N cases, N failed
# and the status is 1 when a case failed.

suppressPackageStartupMessages(library(torchbridge))
invisible(compiler::enableJIT(0))
invisible(from_torch(as_torch(c(1, 2))[2]))

has_bit64 <- requireNamespace("bit64", quietly = TRUE)
# R vectors torchbridge keeps alive for tensors that share their memory.
shared_count <- function() torchbridge:::shared_count()
failed <- character()
n_cases <- 0L

# `step`: 0 for no torture, else a collection every `step` allocations.
case <- function(name, f, want, step = 0) {
  n_cases <<- n_cases + 1L
  cat(sprintf("[%02d] %s ... ", n_cases, name))
  flush(stdout())
  if (step > 0) try(f(), silent = TRUE) # warm-up: lazy imports run R code
  got <- tryCatch(
    {
      if (step > 0) gctorture2(step)
      out <- f()
      gctorture(FALSE)
      out
    },
    error = function(e) {
      gctorture(FALSE)
      structure(list(message = conditionMessage(e)), class = "case_error")
    }
  )
  gctorture(FALSE)
  if (inherits(got, "case_error")) {
    cat("FAIL\n    error: ", got$message, "\n", sep = "")
    failed <<- c(failed, name)
  } else if (!identical(got, want)) {
    cat("FAIL\n    mismatch: got ", paste(utils::capture.output(utils::str(got)), collapse = " "),
        "; want ", paste(utils::capture.output(utils::str(want)), collapse = " "), "\n", sep = "")
    failed <<- c(failed, name)
  } else {
    cat("ok\n")
  }
  flush(stdout())
  invisible()
}

n40 <- as.double(1:40) # 320 bytes: malloc()ed by R

# Every R type, both directions.
case("double -> float32", function() from_torch(as_torch(c(1.5, -2, 0.25))), c(1.5, -2, 0.25))
case("double with NA -> float64 (40)", function() from_torch(as_torch(c(NA, n40[-1]), dtype = "float64")), c(NA, n40[-1]))
case("integer -> int64 (40)", function() from_torch(as_torch(1:40 + 0L)), 1:40)
case("logical -> bool (40)", function() from_torch(as_torch(rep(c(TRUE, FALSE), 20))), rep(c(TRUE, FALSE), 20))
case("complex -> complex64 (20)", function() from_torch(as_torch(complex(real = 1:20, imaginary = -1))),
     complex(real = 1:20, imaginary = -1))
case("raw -> uint8 (200)", function() from_torch(as_torch(as.raw(0:199))), 0:199)
if (has_bit64) {
  i64 <- bit64::as.integer64(c(1, -2, 2^40))
  case("integer64 -> int64 -> bit64", function() from_torch(as_torch(i64), int64 = "bit64"), i64)
}
case("int64 -> double", function() from_torch(as_torch(1:3), int64 = "double"), c(1, 2, 3))

# Matrices, arrays, data frames, the fill path past the scratch buffer.
a_int <- array(1:24, c(2, 3, 4))
case("integer 3-D array", function() from_torch(as_torch(a_int)), a_int)
case("double matrix -> float64", function() from_torch(as_torch(matrix(n40, 5), dtype = "float64")), matrix(n40, 5))
case("9000 doubles (fill path)", function() from_torch(as_torch(as.double(1:9000), dtype = "float64")), as.double(1:9000))
df1 <- data.frame(a = c(1.5, 2, -3), b = c(1L, 2L, 3L), c = c(TRUE, FALSE, TRUE))
case("data frame double/integer/logical", function() from_torch(as_torch(df1)),
     matrix(c(1.5, 2, -3, 1, 2, 3, 1, 0, 1), 3))
df2 <- data.frame(x = n40, k = 1:40)
case("data frame of 40 rows -> float64", function() from_torch(as_torch(df2, dtype = "float64")), cbind(n40, as.double(1:40), deparse.level = 0))

# copy = FALSE: the R vector is only held by torchbridge's keep-alive token.
case("copy = FALSE lifetimes", function() {
  before <- shared_count()
  t1 <- as_torch(n40 * 2, dtype = "float64", copy = FALSE)
  t2 <- as_torch(matrix(1:40, 8) + 0L, dtype = "int32", copy = FALSE)
  gc()
  vals <- list(from_torch(t1)[c(1, 40)], from_torch(t2[8, ]), from_torch(sum(t1)))
  rm(t1, t2)
  gc()
  invisible(as_torch(1))
  list(vals, shared_count() - before)
}, list(list(c(2, 80), c(8L, 16L, 24L, 32L, 40L), 1640), 0L), step = 20)

# `[` and `[<-`, every index kind.
x <- as_torch(a_int)
v <- as_torch(n40, dtype = "float64")
mask <- a_int > 12
case("x[c(2, 1), -1, c(TRUE, FALSE, TRUE, FALSE)]", function() from_torch(x[c(2, 1), -1, c(TRUE, FALSE, TRUE, FALSE)]),
     a_int[c(2, 1), -1, c(TRUE, FALSE, TRUE, FALSE)])
case("x[0, , 2] and x[, , ]", function() list(from_torch(x[0, , 2]), from_torch(x[, , ])), list(a_int[0, , 2], a_int))
case("x[logical array]", function() from_torch(x[mask]), a_int[mask])
case("x[cbind(...)]", function() from_torch(x[cbind(c(1, 2), c(3, 1), c(4, 2))]), a_int[cbind(c(1, 2), c(3, 1), c(4, 2))])
case("x[bool tensor], x[integer tensor]", function() list(from_torch(x[as_torch(mask)]), from_torch(x[as_torch(c(4L, 1L))])),
     list(a_int[mask], c(4L, 1L)))
case("v[-(1:20)]", function() from_torch(v[-(1:20)]), n40[-(1:20)])
case("v[I(40:21)] (AsIs, 160 bytes)", function() from_torch(v[I(as.double(40:21))]), n40[40:21], step = 5)
case("v[I(1:20)] <- 20 doubles (AsIs)", function() {
  w <- as_torch(n40, dtype = "float64")
  w[I(as.double(1:20))] <- as.double(101:120)
  from_torch(w)
}, c(as.double(101:120), n40[21:40]), step = 5)
case("y[-1, , 1] <- 1:3; y[mask] <- 0L", function() {
  y <- as_torch(a_int)
  y[-1, , 1] <- 7:9
  y[mask] <- 0L
  from_torch(y)
}, local({ y <- a_int; y[-1, , 1] <- 7:9; y[mask] <- 0L; y }))

# Ops, Summary, %@% with R operands.
case("v + 40:1, 1:40 * v", function() list(from_torch(v + 40:1), from_torch(n40 * v)), list(n40 + 40:1, n40 * n40))
case("v > rep(c(10, 30), 20)", function() from_torch(v > rep(c(10, 30), 20)), n40 > rep(c(10, 30), 20))
case("sum(v, 1:40)", function() from_torch(sum(v, n40)), sum(n40, n40))
case("max(v, c(100, 1))", function() from_torch(max(v, c(100, 1))), 100)
am <- matrix(n40, 5)
case("a %@% R matrix", function() from_torch(as_torch(am, dtype = "float64") %@% matrix(1, 8, 3)), am %*% matrix(1, 8, 3))
case("R matrix %@% a", function() from_torch(t(am) %@% as_torch(am, dtype = "float64")), t(am) %*% am)

cat(sprintf("valgrind-script: %d cases, %d failed\n", n_cases, length(failed)))
if (length(failed)) {
  cat("failed cases:\n", paste0("  - ", failed, "\n"), sep = "")
  quit(save = "no", status = 1)
}
quit(save = "no", status = 0)
