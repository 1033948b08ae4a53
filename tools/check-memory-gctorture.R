# `make check-memory`, stage 1: torchbridge's data path under gctorture(TRUE).
#
# Every case runs once as it is (to warm up lazy imports), then again with
# a garbage collection at each R allocation around its torchbridge calls
# only (R's own set-up and the expected value run at full speed), and its
# result is compared with identical() against the value R computes itself.
# A mismatch, an R error or a warning is a finding; a crash is one too (the
# shell script names the case that was running). Sizes are a few elements,
# except one vector per direction past the 64 KiB scratch buffer (the fill
# path) and one AsIs index past 128 bytes (memory R gets from malloc()).
#
# Prints one line per case and a last line
#   gctorture: N cases, N failed
# and exits with status 1 when a case failed.
#
# CHECK_MEMORY_GCTORTURE=0 runs the same cases without gctorture (to tell a
# lifetime bug from a plain mismatch).

suppressPackageStartupMessages(library(torchbridge))
# No JIT: compiling each case's closure under gctorture takes 10x longer
# than the case itself (torchbridge's own functions are byte-compiled).
invisible(compiler::enableJIT(0))
# Start Python and torch before torturing (under gctorture it takes ages).
invisible(from_torch(as_torch(c(1, 2))))
invisible(from_torch(as_torch(c(1, 2))[2]))

torture <- !identical(Sys.getenv("CHECK_MEMORY_GCTORTURE"), "0")
has_bit64 <- requireNamespace("bit64", quietly = TRUE)
# R vectors torchbridge keeps alive for tensors that share their memory.
shared_count <- function() torchbridge:::shared_count()
failed <- character()
n_cases <- 0L
t_start <- proc.time()[["elapsed"]]

# Runs f() under gctorture and compares with `want`. `f` does the
# torchbridge calls (and from_torch() of the result: that is part of the
# data path too).
# CHECK_MEMORY_CASES: a regular expression; only the cases it matches run.
only <- Sys.getenv("CHECK_MEMORY_CASES")

case <- function(name, f, want) {
  if (nzchar(only) && !grepl(only, name)) return(invisible())
  n_cases <<- n_cases + 1L
  t0 <- proc.time()[["elapsed"]]
  cat(sprintf("[%02d] %s ... ", n_cases, name))
  flush(stdout())
  # Once without torture first: the first call of a path may import Python
  # modules lazily, and reticulate's import hooks run R code that takes
  # minutes under gctorture. Only the second, tortured, run is checked.
  if (torture) try(suppressWarnings(f()), silent = TRUE)
  warned <- character()
  got <- withCallingHandlers(
    tryCatch(
      {
        if (torture) gctorture(TRUE)
        out <- f()
        gctorture(FALSE)
        out
      },
      error = function(e) {
        gctorture(FALSE)
        structure(list(message = conditionMessage(e)), class = "case_error")
      }
    ),
    warning = function(w) {
      gctorture(FALSE)
      warned <<- c(warned, conditionMessage(w))
      if (torture) gctorture(TRUE)
      invokeRestart("muffleWarning")
    }
  )
  gctorture(FALSE)
  problem <- if (inherits(got, "case_error")) {
    paste("error:", got$message)
  } else if (length(warned)) {
    paste("warning:", paste(warned, collapse = "; "))
  } else if (!identical(got, want)) {
    paste0(
      "mismatch:\n      got:  ", paste(utils::capture.output(utils::str(got)), collapse = "\n            "),
      "\n      want: ", paste(utils::capture.output(utils::str(want)), collapse = "\n            ")
    )
  }
  secs <- sprintf("(%.1f s)", proc.time()[["elapsed"]] - t0)
  if (is.null(problem)) {
    cat("ok", secs, "\n")
  } else {
    cat("FAIL ", secs, "\n    ", problem, "\n", sep = "")
    failed <<- c(failed, name)
  }
  invisible()
}

# R's x[...] as from_torch() gives it back: 1-D results are plain vectors.
r_sub <- function(v) {
  if (length(dim(v)) == 1L) dim(v) <- NULL
  v
}

# ---- as_torch() and from_torch() for every R type ---------------------------

dbl <- c(1.5, -2, 0.25, 1024)
dbl_na <- c(1.5, NA, NaN, -Inf)
int <- c(1L, -2L, 2147483647L, NA_integer_)[1:3]
lgl <- c(TRUE, FALSE, TRUE)
cpl <- complex(real = c(1.5, -2, 0), imaginary = c(0.5, 3, -1))
raw_v <- as.raw(c(0, 7, 255))

case("double -> float32", function() from_torch(as_torch(dbl)), dbl)
case("double with NA/NaN -> float64", function() from_torch(as_torch(dbl_na, dtype = "float64")), dbl_na)
case("integer -> int64", function() from_torch(as_torch(int)), int)
case("integer -> int32", function() from_torch(as_torch(int, dtype = "int32")), int)
case("integer -> float64", function() from_torch(as_torch(c(1L, NA, 3L), dtype = "float64")), c(1, NA, 3))
case("logical -> bool", function() from_torch(as_torch(lgl)), lgl)
case("complex -> complex64", function() from_torch(as_torch(cpl)), cpl)
case("complex -> complex128", function() from_torch(as_torch(cpl, dtype = "complex128")), cpl)
case("raw -> uint8", function() from_torch(as_torch(raw_v)), as.integer(raw_v))
case("int64 tensor -> double", function() from_torch(as_torch(int), int64 = "double"), as.double(int))
if (has_bit64) {
  i64 <- bit64::as.integer64(c(1, -2, 2^40))
  case("integer64 -> int64 -> bit64", function() from_torch(as_torch(i64), int64 = "bit64"), i64)
  case("integer64 -> int64 -> double", function() from_torch(as_torch(i64), int64 = "double"), c(1, -2, 2^40))
  case("integer -> int64 -> bit64", function() from_torch(as_torch(int), int64 = "bit64"), bit64::as.integer64(int))
  big64 <- bit64::as.integer64(c("1152921504606846977", "-3", "7", "2"))
  case("tensor_data(int64 = \"bit64\") and its pairs", function() {
    t <- as_torch(big64)$reshape(2L, 2L)$t() # column-major: matrix() would drop the class
    list(tensor_data(t, int64 = "bit64")$value, tensor_data(t, pairs = TRUE, int64 = "bit64")$y)
  }, list(big64, big64[3:4]))
} else {
  cat("(bit64 is not installed: integer64 cases skipped)\n")
}

# Matrices and 3-D arrays.
m_dbl <- matrix(c(1.5, 2, -3, 4, 5, 6.25), 2)
m_int <- matrix(1:6, 3)
m_lgl <- matrix(c(TRUE, FALSE, FALSE, TRUE), 2)
a_int <- array(1:24, c(2, 3, 4))
a_dbl <- array(seq(0.5, 12, by = 0.5), c(2, 3, 4))
a_cpl <- array(complex(real = 1:8, imaginary = 8:1), c(2, 2, 2))
a_raw <- array(as.raw(1:8), c(2, 2, 2))
case("double matrix -> float64", function() from_torch(as_torch(m_dbl, dtype = "float64")), m_dbl)
case("double matrix -> float32", function() from_torch(as_torch(m_dbl)), m_dbl)
case("integer matrix", function() from_torch(as_torch(m_int)), m_int)
case("logical matrix", function() from_torch(as_torch(m_lgl)), m_lgl)
case("integer 3-D array", function() from_torch(as_torch(a_int)), a_int)
case("double 3-D array -> float64", function() from_torch(as_torch(a_dbl, dtype = "float64")), a_dbl)
case("complex 3-D array", function() from_torch(as_torch(a_cpl)), a_cpl)
case("raw 3-D array", function() from_torch(as_torch(a_raw)), array(1:8, c(2, 2, 2)))
case("0 x 3 matrix", function() from_torch(as_torch(matrix(integer(0), 0, 3))), matrix(integer(0), 0, 3))

# Past the 64 KiB scratch buffer: tb_alloc() and fill() instead of the scratch copy.
big <- as.double(1:10000)
big_int <- matrix(1:20000, 100)
case("10000 doubles (fill path)", function() from_torch(as_torch(big, dtype = "float64")), big)
case("100 x 200 integers (fill path)", function() from_torch(as_torch(big_int, dtype = "int32")), big_int)

# Data frames with mixed columns.
df1 <- data.frame(a = c(1.5, 2, -3), b = c(1L, 2L, 3L), c = c(TRUE, FALSE, TRUE))
df2 <- data.frame(n = c(4L, NA, 6L), x = c(0.5, 1, NA))
df3 <- data.frame(b = c(1L, 2L), c = c(FALSE, TRUE))
df4 <- data.frame(a = I(c(1, 2)), b = 3:4)
case("data frame double/integer/logical -> float32", function() from_torch(as_torch(df1)),
     matrix(c(1.5, 2, -3, 1, 2, 3, 1, 0, 1), 3))
case("data frame with NA -> float64", function() from_torch(as_torch(df2, dtype = "float64")),
     matrix(c(4, NA, 6, 0.5, 1, NA), 3))
case("data frame integer/logical -> int64", function() from_torch(as_torch(df3)), matrix(c(1L, 2L, 0L, 1L), 2))
case("data frame with an AsIs column", function() from_torch(as_torch(df4)), matrix(c(1, 2, 3, 4), 2))
if (has_bit64) {
  df5 <- data.frame(id = bit64::as.integer64(c(2^40, 5)), k = c(1L, 2L))
  case("data frame integer64/integer -> bit64", function() from_torch(as_torch(df5), int64 = "bit64"),
       structure(bit64::as.integer64(c(2^40, 5, 1, 2)), dim = c(2L, 2L)))
}

# A named tuple of tensors (python_to_r()).
case("from_torch(t$max(dim = 0L))", function() {
  t <- as_torch(matrix(c(1, 5, 3, 2), 2), dtype = "float64")
  from_torch(t$max(dim = 0L))
}, list(values = c(5, 3), indices = c(1L, 0L)))

# ---- as_torch(copy = FALSE) lifetimes ---------------------------------------

case("copy = FALSE: shared tensors outlive their R objects, then release them", function() {
  before <- shared_count()
  t1 <- as_torch(c(1, 2, 3) * 2, dtype = "float64", copy = FALSE)
  t2 <- as_torch(matrix(1:6, 2) + 0L, dtype = "int32", copy = FALSE)
  t3 <- as_torch(big * 1, dtype = "float64", copy = FALSE)
  gc()
  held <- shared_count() - before
  vals <- list(from_torch(t1), from_torch(t2), from_torch(t3)[c(1, 10000)],
               from_torch(t1 + 1), from_torch(t2[2, ]))
  rm(t1, t2, t3)
  gc()
  invisible(as_torch(1)) # releases the tokens of the freed tensors
  list(held, vals, shared_count() - before)
}, list(3L, list(c(2, 4, 6), matrix(1:6, 2), c(1, 10000), c(3, 5, 7), c(2L, 4L, 6L)), 0L))

case("copy = FALSE that must copy releases its token at once", function() {
  before <- shared_count()
  t <- as_torch(c(1.5, 2) * 1, copy = FALSE) # float32: a cast, so a copy
  invisible(as_torch(1))
  list(from_torch(t), shared_count() - before)
}, list(c(1.5, 2), 0L))

# ---- `[` with every index kind ----------------------------------------------

x <- as_torch(a_int)
xr <- a_int
mask <- xr > 12
mask_t <- as_torch(mask)
cols_t <- as_torch(c(TRUE, FALSE, TRUE))
pos_t <- as_torch(c(4L, 1L))
rows_t <- as_torch(c(2L, 1L))
pm <- matrix(c(1L, 24L, 3L, 7L), 2)
pm_t <- as_torch(pm)
v <- as_torch(as.double(1:40), dtype = "float64")
vr <- as.double(1:40)

case("x[2, 3, 4]", function() from_torch(x[2, 3, 4]), xr[2, 3, 4])
case("x[c(2, 1), c(3, 1), 2]", function() from_torch(x[c(2, 1), c(3, 1), 2]), xr[c(2, 1), c(3, 1), 2])
case("x[2:4] (range)", function() from_torch(x[2:4]), xr[2:4])
case("x[c(24, 1, 7)]", function() from_torch(x[c(24, 1, 7)]), xr[c(24, 1, 7)])
case("x[1.9, 3.2, 2] (fractions)", function() from_torch(x[1.9, 3.2, 2]), xr[1.9, 3.2, 2])
case("x[-1, , 4]", function() from_torch(x[-1, , 4]), xr[-1, , 4])
case("x[, -c(1, 3), ]", function() from_torch(x[, -c(1, 3), ]), r_sub(xr[, -c(1, 3), ]))
case("x[-(1:20)]", function() from_torch(x[-(1:20)]), xr[-(1:20)])
case("x[, c(TRUE, FALSE, TRUE), 1]", function() from_torch(x[, c(TRUE, FALSE, TRUE), 1]), xr[, c(TRUE, FALSE, TRUE), 1])
case("x[TRUE, , 1]", function() from_torch(x[TRUE, , 1]), xr[TRUE, , 1])
case("x[c(TRUE, FALSE, FALSE)] (recycled)", function() from_torch(x[c(TRUE, FALSE, FALSE)]), xr[c(TRUE, FALSE, FALSE)])
case("x[logical array]", function() from_torch(x[mask]), xr[mask])
case("x[0, , ]", function() from_torch(x[0, , ]), xr[0, , ])
case("x[c(0, 2), -2, c(TRUE, FALSE)]", function() from_torch(x[c(0, 2), -2, c(TRUE, FALSE)]), xr[c(0, 2), -2, c(TRUE, FALSE)])
case("x[integer(0), , ]", function() from_torch(x[integer(0), , ]), xr[integer(0), , ])
case("x[, , ]", function() from_torch(x[, , ]), xr[, , ])
case("x[]", function() from_torch(x[]), xr[])
case("x[, 2, , drop = FALSE]", function() from_torch(x[, 2, , drop = FALSE]), xr[, 2, , drop = FALSE])
case("x[cbind(c(1, 2), c(3, 1), c(4, 2))]", function() from_torch(x[cbind(c(1, 2), c(3, 1), c(4, 2))]),
     xr[cbind(c(1, 2), c(3, 1), c(4, 2))])
case("x[cbind(2L, 3L, 4L)]", function() from_torch(x[cbind(2L, 3L, 4L)]), xr[cbind(2L, 3L, 4L)])
case("x[I(c(2, 1)), , 1]", function() from_torch(x[I(c(2, 1)), , 1]), xr[I(c(2, 1)), , 1])
case("x[I(c(5, 24))]", function() from_torch(x[I(c(5, 24))]), xr[I(c(5, 24))])
case("x[I(-1), 2, I(c(TRUE, FALSE))]", function() from_torch(x[I(-1), 2, I(c(TRUE, FALSE))]),
     xr[I(-1), 2, I(c(TRUE, FALSE))])
case("v[I(40:21)] (an AsIs index past 128 bytes)", function() from_torch(v[I(as.double(40:21))]), vr[40:21])
case("x[bool tensor mask]", function() from_torch(x[mask_t]), xr[mask])
case("x[, bool tensor, 1]", function() from_torch(x[, cols_t, 1]), xr[, c(TRUE, FALSE, TRUE), 1])
case("x[integer tensor]", function() from_torch(x[pos_t]), xr[c(4L, 1L)])
case("x[integer tensor, 1, 1]", function() from_torch(x[rows_t, 1, 1]), xr[c(2L, 1L), 1, 1])
case("x[integer tensor matrix]", function() from_torch(x[pm_t]), xr[pm])
case("v[v > 35] (bool tensor from Ops)", function() from_torch(v[v > 35]), vr[vr > 35])

# ---- `[<-` with every index kind --------------------------------------------

# Assigns into a fresh copy of `a_int` as a tensor and in R, then compares.
assign_case <- function(name, f_tensor, f_r) {
  case(name, function() from_torch(f_tensor(as_torch(xr))), f_r(xr))
}
assign_case("y[1, 2, 3] <- 100L", function(y) { y[1, 2, 3] <- 100L; y }, function(y) { y[1, 2, 3] <- 100L; y })
assign_case("y[-1, , 1] <- c(7L, 8L, 9L)", function(y) { y[-1, , 1] <- c(7L, 8L, 9L); y },
            function(y) { y[-1, , 1] <- c(7L, 8L, 9L); y })
assign_case("y[logical array] <- 0L", function(y) { y[mask] <- 0L; y }, function(y) { y[mask] <- 0L; y })
assign_case("y[c(TRUE, FALSE), 1, ] <- 1:4", function(y) { y[c(TRUE, FALSE), 1, ] <- 1:4; y },
            function(y) { y[c(TRUE, FALSE), 1, ] <- 1:4; y })
assign_case("y[c(0, 2), 1, 1] <- 9L", function(y) { y[c(0, 2), 1, 1] <- 9L; y }, function(y) { y[c(0, 2), 1, 1] <- 9L; y })
assign_case("y[] <- 24:1", function(y) { y[] <- 24:1; y }, function(y) { y[] <- 24:1; y })
assign_case("y[, 2, ] <- tensor", function(y) { y[, 2, ] <- as_torch(matrix(101:108, 2)); y },
            function(y) { y[, 2, ] <- matrix(101:108, 2); y })
assign_case("y[-(1:20)] <- 1:4", function(y) { y[-(1:20)] <- 1:4; y }, function(y) { y[-(1:20)] <- 1:4; y })
assign_case("y[cbind(c(2, 1), c(3, 1), c(4, 2))] <- c(-1L, -2L)",
            function(y) { y[cbind(c(2, 1), c(3, 1), c(4, 2))] <- c(-1L, -2L); y },
            function(y) { y[cbind(c(2, 1), c(3, 1), c(4, 2))] <- c(-1L, -2L); y })
assign_case("y[I(c(1, 2)), 1, 1] <- c(5L, 6L)", function(y) { y[I(c(1, 2)), 1, 1] <- c(5L, 6L); y },
            function(y) { y[I(c(1, 2)), 1, 1] <- c(5L, 6L); y })
assign_case("y[I(c(5, 24))] <- c(50L, 240L)", function(y) { y[I(c(5, 24))] <- c(50L, 240L); y },
            function(y) { y[I(c(5, 24))] <- c(50L, 240L); y })
assign_case("y[bool tensor mask] <- -5L", function(y) { y[mask_t] <- -5L; y }, function(y) { y[mask] <- -5L; y })
assign_case("y[integer tensor, 2, 2] <- c(1L, 2L)", function(y) { y[rows_t, 2, 2] <- c(1L, 2L); y },
            function(y) { y[c(2L, 1L), 2, 2] <- c(1L, 2L); y })
case("z[2, ] <- c(0.5, 1.5, 2.5) (float64)", function() {
  z <- as_torch(m_dbl, dtype = "float64")
  z[2, ] <- c(0.5, 1.5, 2.5)
  from_torch(z)
}, local({ m <- m_dbl; m[2, ] <- c(0.5, 1.5, 2.5); m }))
case("v[I(1:20)] <- 20 doubles (AsIs past 128 bytes)", function() {
  w <- as_torch(vr, dtype = "float64")
  w[I(as.double(1:20))] <- as.double(101:120)
  from_torch(w)
}, local({ w <- vr; w[1:20] <- as.double(101:120); w }))

# ---- Ops between a tensor and R vectors -------------------------------------

tm <- matrix(c(1.5, -2, 3, 4), 2)
t64 <- as_torch(tm, dtype = "float64")
ti <- as_torch(1:4)
tb <- as_torch(c(TRUE, FALSE, TRUE, TRUE))
tc <- as_torch(c(1 + 2i, -1i))
case("t + c(10, 20)", function() from_torch(t64 + c(10, 20)), tm + c(10, 20))
case("c(1, 2, 3, 4) - t", function() from_torch(c(1, 2, 3, 4) - t64), c(1, 2, 3, 4) - tm)
case("t * 2", function() from_torch(t64 * 2), tm * 2)
case("t / R matrix", function() from_torch(t64 / matrix(c(2, 4, 8, 16), 2)), tm / matrix(c(2, 4, 8, 16), 2))
case("t > c(0, 3)", function() from_torch(t64 > c(0, 3)), tm > c(0, 3))
case("-t", function() from_torch(-t64), -tm)
case("ti %% 3L", function() from_torch(ti %% 3L), 1:4 %% 3L)
case("ti %/% c(2L, 3L)", function() from_torch(ti %/% c(2L, 3L)), 1:4 %/% c(2L, 3L))
case("ti + c(TRUE, FALSE)", function() from_torch(ti + c(TRUE, FALSE)), 1:4 + c(TRUE, FALSE))
case("ti * c(2.5, 1)", function() from_torch(ti * c(2.5, 1)), 1:4 * c(2.5, 1))
case("tb & c(TRUE, FALSE)", function() from_torch(tb & c(TRUE, FALSE)), c(TRUE, FALSE, TRUE, TRUE) & c(TRUE, FALSE))
case("!tb", function() from_torch(!tb), !c(TRUE, FALSE, TRUE, TRUE))
case("tc * c(2i, 1)", function() from_torch(tc * c(2i, 1)), c(1 + 2i, -1i) * c(2i, 1))
case("v - 40:1 (40 values)", function() from_torch(v - 40:1), vr - 40:1)

# ---- Summary with R arguments, and mean -------------------------------------

case("sum(t, c(1, 2, 3))", function() from_torch(sum(t64, c(1, 2, 3))), sum(tm, c(1, 2, 3)))
case("max(t, c(10, 20))", function() from_torch(max(t64, c(10, 20))), max(tm, c(10, 20)))
case("min(t, -5, c(1, 2))", function() from_torch(min(t64, -5, c(1, 2))), min(tm, -5, c(1, 2)))
case("range(t, c(-10, 10))", function() from_torch(range(t64, c(-10, 10))), range(tm, c(-10, 10)))
case("prod(ti, c(2L, 3L))", function() from_torch(prod(ti, c(2L, 3L))), as.integer(prod(1:4, c(2L, 3L))))
case("sum(ti, c(TRUE, TRUE, FALSE))", function() from_torch(sum(ti, c(TRUE, TRUE, FALSE))), sum(1:4, c(TRUE, TRUE, FALSE)))
case("all(t > 0, c(TRUE, TRUE))", function() from_torch(all(t64 > 0, c(TRUE, TRUE))), all(tm > 0, c(TRUE, TRUE)))
case("any(tb, c(FALSE, FALSE))", function() from_torch(any(tb, c(FALSE, FALSE))), TRUE)
case("mean(t)", function() from_torch(mean(t64)), mean(tm))

# ---- %@% --------------------------------------------------------------------

am <- matrix(c(1, 2, 3, 4, 5, 6), 2)
a <- as_torch(am, dtype = "float64")
case("a %@% c(1, 0, 1)", function() from_torch(a %@% c(1, 0, 1)), am %*% c(1, 0, 1))
case("a %@% R matrix", function() from_torch(a %@% matrix(c(1, 0, 2, 1, 1, 1), 3)), am %*% matrix(c(1, 0, 2, 1, 1, 1), 3))
case("R matrix %@% a", function() from_torch(matrix(c(1, 2, 3, 4), 2) %@% a), matrix(c(1, 2, 3, 4), 2) %*% am)
case("c(1, 2) %@% a", function() from_torch(c(1, 2) %@% a), c(1, 2) %*% am)
case("a %@% t(a)", function() from_torch(a %@% t(a)), am %*% t(am))
case("a %@% integer matrix", function() from_torch(a %@% matrix(1:6, 3)), am %*% matrix(as.double(1:6), 3))

# ---- files and Python values -------------------------------------------------

pt_path <- tempfile(fileext = ".pt")
st_path <- tempfile(fileext = ".safetensors")
results <- list(losses = c(0.9, NA, 0.5), ids = 1:3, m = matrix(c(TRUE, FALSE, TRUE, TRUE), 2),
                cfg = list(name = "run", none = NULL), df = data.frame(a = c(1, 2), b = I(3:4)))
case("read_pt(write_pt(x))", function() { write_pt(results, pt_path); read_pt(pt_path) },
     list(losses = c(0.9, NA, 0.5), ids = 1:3, m = matrix(c(TRUE, FALSE, TRUE, TRUE), 2),
          cfg = list(name = "run", none = NULL), df = list(a = c(1, 2), b = 3:4)))
case("read_safetensors(write_safetensors(x))", function() {
  write_safetensors(results[c("losses", "ids", "m")], st_path, metadata = c(k = "v"))
  unclass(read_safetensors(st_path))[c("losses", "ids", "m")]
}, results[c("losses", "ids", "m")])
case("from_torch() of an R list of tensors and R values", function() {
  from_torch(list(a = as_torch(c(1, 2), dtype = "float64"), b = list(as_torch(3L), "x"), c = NULL))
}, list(a = c(1, 2), b = list(3L, "x"), c = NULL))
case("from_torch() of Python lists of plain numbers", function() {
  from_torch(reticulate::py_eval("[[0.5, 1.5], (1, 2), [True], ['a'], [2**40, 1], [1, 2.5]]", convert = FALSE))
}, list(c(0.5, 1.5), 1:2, TRUE, "a", c(2^40, 1), c(1, 2.5)))
if (reticulate::py_module_available("numpy")) {
  np <- reticulate::import("numpy", convert = FALSE)
  case("from_torch() of a Fortran-ordered NumPy array", function() {
    from_torch(np$asfortranarray(np$arange(6L)$reshape(2L, 3L)))
  }, matrix(0:5, 2, byrow = TRUE))
  case("as_torch() of a NumPy array", function() from_torch(as_torch(np$ones(3L), dtype = "float32")), c(1, 1, 1))
}

# ---- base R verbs, R values next to tensors ----------------------------------

v <- as_torch(c(3, 1, NA, 2), dtype = "float64")
case("sort(v)", function() from_torch(sort(v)), sort(c(3, 1, NA, 2)))
case("unique(c(v, R vector))", function() from_torch(unique(c(v, c(1, 5, 1)))), unique(c(3, 1, NA, 2, 1, 5, 1)))
case("cbind(tensor, R vector, R matrix)", function() {
  from_torch(cbind(as_torch(c(1, 2), dtype = "float64"), c(3, 4), matrix(c(5, 6), 2)))
}, cbind(c(1, 2), c(3, 4), matrix(c(5, 6), 2)))
case("rbind(R integer vector, tensor)", function() from_torch(rbind(1:2, as_torch(c(3L, 4L)))), rbind(1:2, 3:4))
case("quantile(v)", function() quantile(v, c(0.25, 0.5), na.rm = TRUE), quantile(c(3, 1, NA, 2), c(0.25, 0.5), na.rm = TRUE))
case("solve(a, R vector)", function() {
  from_torch(solve(as_torch(matrix(c(2, 0, 0, 4), 2), dtype = "float64"), c(2, 4)))
}, c(1, 1))

# ---- the cache packing and tb.r ----------------------------------------------

case("knit_cache_hook() pack and restore", function() {
  from_torch(torchbridge:::knit_cache_hook.torch.Tensor(as_torch(c(1.5, NA), dtype = "float64"), "x", tempfile())())
}, c(1.5, NA))
tb_r_b <- c(0.5, 1.5, NA)
main <- reticulate::py_run_string("import torchbridge as tb\ndef read_b():\n    return tb.r.tb_r_b\ndef write_c(t):\n    tb.r.tb_r_c = t * 2", convert = FALSE)
case("tb.r.b from Python", function() from_torch(main$read_b()), c(0.5, 1.5, NaN))
case("tb.r.c = t from Python", function() {
  main$write_c(as_torch(c(1, 2), dtype = "float64"))
  get("tb_r_c", globalenv())
}, c(2, 4))

# ---- summary ----------------------------------------------------------------

elapsed <- proc.time()[["elapsed"]] - t_start
cat(sprintf("gctorture%s: %d cases, %d failed (%.0f s)\n",
            if (torture) "" else " (off)", n_cases, length(failed), elapsed))
if (length(failed)) {
  cat("failed cases:\n", paste0("  - ", failed, "\n"), sep = "")
  quit(save = "no", status = 1)
}
quit(save = "no", status = 0)
