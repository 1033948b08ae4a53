# Hostile inputs: what a careful R user may throw at torchbridge. Every case
# asserts a classed error or an exact value (see helper-hostile.R). Cases
# named "spec: ..." are the behaviour of issue 8; the others are R's rules
# or torchbridge's documented ones. Cases that could crash R (lying objects,
# freed storage, deep recursion, gctorture) run in child R processes, in
# batches, at the end of this file.

# ---- as_torch(): things that are not numbers --------------------------------

test_that("as_torch() refuses what is not numeric data with torchbridge_error_type", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "as_torch(NULL)" = hc(as_torch(NULL), "type"),
    "as_torch(factor)" = hc(as_torch(factor(c("a", "b"))), "type"),
    "as_torch(Date)" = hc(as_torch(as.Date("2024-01-01")), "type"),
    "as_torch(POSIXct)" = hc(as_torch(as.POSIXct("2024-01-01", tz = "UTC")), "type"),
    "as_torch(POSIXlt)" = hc(as_torch(as.POSIXlt("2024-01-01", tz = "UTC")), "type"),
    "as_torch(difftime)" = hc(as_torch(as.difftime(1, units = "secs")), "type"),
    "as_torch(ts)" = hc(as_torch(stats::ts(1:3)), "type"),
    "as_torch(environment)" = hc(as_torch(new.env()), "type"),
    "as_torch(emptyenv())" = hc(as_torch(emptyenv()), "type"),
    "as_torch(primitive)" = hc(as_torch(sum), "type"),
    "as_torch(closure)" = hc(as_torch(function(x) x), "type"),
    "as_torch(symbol)" = hc(as_torch(quote(x)), "type"),
    "as_torch(call)" = hc(as_torch(quote(x + 1)), "type"),
    "as_torch(expression)" = hc(as_torch(expression(1)), "type"),
    "as_torch(list)" = hc(as_torch(list(1, 2)), "type"),
    "as_torch(character)" = hc(as_torch("1"), "type"),
    "as_torch(NA_character_)" = hc(as_torch(NA_character_), "type"),
    "as_torch(numeric_version)" = hc(as_torch(numeric_version("1.2")), "type"),
    "as_torch(class with braces)" = hc(as_torch(structure(1, class = "{oops}")), "type"),
    "as_torch(S4 double)" = hc(as_torch(h_s4()), "type"),
    "as_torch(Python list)" = hc(as_torch(pe("[1, 2]")), "type"),
    "as_torch(Python int)" = hc(as_torch(pe("3")), "type"),
    "as_torch(torch.Size)" = hc(as_torch(h_torch()$ones(2L)$shape), "type")
  ))
})

test_that("as_torch() checks dtype, device, requires_grad and copy", {
  skip_if_no_torch()
  cases <- list(
    "dtype = NA_character_" = hc(as_torch(1, dtype = NA_character_), "dtype"),
    "dtype of length 2" = hc(as_torch(1, dtype = c("float32", "float64")), "dtype"),
    "dtype = 1" = hc(as_torch(1, dtype = 1), "dtype"),
    "dtype = 'nope'" = hc(as_torch(1, dtype = "nope"), "dtype"),
    "dtype = 'Tensor' (a torch attribute, not a dtype)" = hc(as_torch(1, dtype = "Tensor"), "dtype"),
    "dtype = 'qint8'" = hc(as_torch(1, dtype = "qint8"), "dtype"),
    "dtype = 'uint1'" = hc(as_torch(1, dtype = "uint1"), "dtype"),
    "dtype = 'bits8'" = hc(as_torch(1, dtype = "bits8"), "dtype"),
    "dtype = a Python string" = hc(as_torch(1, dtype = pe("'float64'")), "dtype"),
    "spec: dtype = 'float4_e2m1fn_x2'" = hc(as_torch(1, dtype = "float4_e2m1fn_x2"), "dtype"),
    "dtype = 'torch.float64'" = hc(h_dtype(as_torch(1, dtype = "torch.float64")), value = "float64"),
    "device = 'gpu'" = hc(as_torch(1, device = "gpu"), "device"),
    "device = NA" = hc(as_torch(1, device = NA_character_), "device"),
    "device = ''" = hc(as_torch(1, device = ""), "device"),
    "device = 'CPU'" = hc(as_torch(1, device = "CPU"), "device"),
    "device = 1" = hc(as_torch(1, device = 1), "device"),
    "device = a Python string" = hc(as_torch(1, device = pe("'cpu'")), "device"),
    "spec: device = 'cpu:0'" = hc(h_device(as_torch(1, device = "cpu:0")), value = "cpu"),
    "spec: device = a torch.device" = hc(h_device(as_torch(1, device = h_f32()$device)), value = "cpu"),
    "requires_grad = NA" = hc(as_torch(1, requires_grad = NA), "arg"),
    "requires_grad = 'yes'" = hc(as_torch(1, requires_grad = "yes"), "arg"),
    "copy = NA" = hc(as_torch(1, copy = NA), "arg"),
    "copy of length 2" = hc(as_torch(1, copy = c(TRUE, FALSE)), "arg"),
    "requires_grad on bool" = hc(as_torch(TRUE, requires_grad = TRUE), "dtype"),
    "requires_grad on int64" = hc(as_torch(1L, requires_grad = TRUE), "dtype")
  )
  if (!cuda_is_available()) {
    cases[["device = 'cuda:99' without CUDA"]] <- hc(as_torch(1, device = "cuda:99"), "no_gpu")
  }
  if (!identical(Sys.info()[["sysname"]], "Darwin")) {
    cases[["spec: device = 'mps:0' off macOS"]] <- hc(as_torch(1, device = "mps:0"), "no_gpu")
  }
  run_hostile_cases(cases)
})

# ---- as_torch(): every dtype, NA, NaN, Inf, edges of ranges -----------------

test_that("as_torch() casts never change a value silently", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "NA to bool" = hc(as_torch(NA), "na"),
    "NA_integer_ to int64" = hc(as_torch(NA_integer_), "na"),
    "logical NA to int8" = hc(as_torch(c(TRUE, NA), dtype = "int8"), "na"),
    "NaN to bool" = hc(as_torch(NaN, dtype = "bool"), "na"),
    "NA_real_ to uint64" = hc(as_torch(NA_real_, dtype = "uint64"), "na"),
    "Inf to int64" = hc(as_torch(Inf, dtype = "int64"), "overflow"),
    "-Inf to int32" = hc(as_torch(-Inf, dtype = "int32"), "overflow"),
    "300 to uint8" = hc(as_torch(300, dtype = "uint8"), "overflow"),
    "-1 to uint8" = hc(as_torch(-1, dtype = "uint8"), "overflow"),
    "-1L to uint16" = hc(as_torch(-1L, dtype = "uint16"), "overflow"),
    "65536 to uint16" = hc(as_torch(65536, dtype = "uint16"), "overflow"),
    "2^32 to uint32" = hc(as_torch(2^32, dtype = "uint32"), "overflow"),
    "-1 to uint64" = hc(as_torch(-1, dtype = "uint64"), "overflow"),
    "2^64 to uint64" = hc(as_torch(2^64, dtype = "uint64"), "overflow"),
    "2^63 to int64" = hc(as_torch(2^63, dtype = "int64"), "overflow"),
    "128 to int8" = hc(as_torch(128, dtype = "int8"), "overflow"),
    "raw 255 to int8" = hc(as_torch(as.raw(255), dtype = "int8"), "overflow"),
    "3.5 to int32" = hc(as_torch(3.5, dtype = "int32"), "dtype"),
    "1+1i to float32" = hc(as_torch(1 + 1i, dtype = "float32"), "dtype"),
    "double.xmax to float32" = hc(as_torch(.Machine$double.xmax, dtype = "float32"), "overflow"),
    "70000 to float16" = hc(as_torch(70000, dtype = "float16"), "overflow"),
    "70000L to float16" = hc(as_torch(70000L, dtype = "float16"), "overflow"),
    "1e39 to bfloat16" = hc(as_torch(1e39, dtype = "bfloat16"), "overflow"),
    "1e39+0i to complex64" = hc(as_torch(1e39 + 0i, dtype = "complex64"), "overflow"),
    "-128 to int8" = hc(as_torch(-128, dtype = "int8"), value = -128L),
    "65535 to uint16" = hc(as_torch(65535, dtype = "uint16"), value = 65535L),
    "2^32 - 1 to uint32 and back as double" =
      hc(from_torch(as_torch(2^32 - 1, dtype = "uint32"), int64 = "double"), value = 4294967295),
    "-1, 0, 2 to bool" = hc(as_torch(c(-1, 0, 2), dtype = "bool"), value = c(TRUE, FALSE, TRUE)),
    "Inf, -Inf, 0 to bool" = hc(as_torch(c(Inf, -Inf, 0), dtype = "bool"), value = c(TRUE, TRUE, FALSE)),
    "spec: 1e-10 to float16 underflows to 0" = hc(as_torch(1e-10, dtype = "float16"), value = 0),
    "double.xmin to float16 underflows to 0" = hc(as_torch(.Machine$double.xmin, dtype = "float16"), value = 0),
    "-0 keeps its sign in float64" = hc(1 / from_torch(as_torch(-0, dtype = "float64")), value = -Inf),
    "the smallest denormal survives float64" = hc(as_torch(5e-324, dtype = "float64"), value = 5e-324),
    "2147483647L to float32 rounds" = hc(as_torch(2147483647L, dtype = "float32"), value = 2147483648),
    "NA and NaN stay apart in float64" = hc(as_torch(c(1, NA, NaN), dtype = "float64"), value = c(1, NA, NaN)),
    "NA becomes NaN in float32" = hc(as_torch(c(1, NA)), value = c(1, NaN)),
    "integer NA to float64 is NA" = hc(as_torch(c(1L, NA), dtype = "float64"), value = c(1, NA)),
    "complex NA round trip in complex128" = hc({
      x <- complex(real = NA, imaginary = 0)
      identical(from_torch(as_torch(x, dtype = "complex128")), x)
    }, value = TRUE),
    "complex NaN part round trip" = hc(
      as_torch(complex(real = 1, imaginary = NaN), dtype = "complex128"),
      value = complex(real = 1, imaginary = NaN)
    ),
    "raw(0)" = hc(as_torch(raw(0)), value = integer(0)),
    "integer(0) to bool" = hc(as_torch(integer(0), dtype = "bool"), value = logical(0)),
    "0 x 0 integer matrix" = hc(as_torch(matrix(integer(0), 0, 0)), value = matrix(integer(0), 0, 0)),
    "0 x 2 x 0 array" = hc(as_torch(array(numeric(0), c(0, 2, 0))), value = array(numeric(0), c(0, 2, 0))),
    "names are dropped" = hc(as_torch(c(a = 1, b = 2)), value = c(1, 2)),
    "dimnames are dropped" = hc(as_torch(matrix(1:4, 2, dimnames = list(c("a", "b"), NULL))), value = matrix(1:4, 2)),
    "a 1-D table" = hc(as_torch(table(c(1, 1, 2))), value = c(2L, 1L)),
    "AsIs integers" = hc(as_torch(I(c(1L, 5L))), value = c(1L, 5L)),
    "an ALTREP 1:1e6 round trip" = hc(identical(from_torch(as_torch(1:1e6)), 1:1e6), value = TRUE),
    "copy = FALSE: R's copy-on-modify holds" = hc({
      x <- c(1, 2, 3)
      t <- as_torch(x, dtype = "float64", copy = FALSE)
      x[1] <- 100
      list(from_torch(t), x)
    }, value = list(c(1, 2, 3), c(100, 2, 3)))
  ))
})

test_that("float8 dtypes: casts in and out (spec)", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "spec: integer NA to float8_e4m3fn is NaN" =
      hc(as_torch(c(1L, NA), dtype = "float8_e4m3fn")$float(), value = c(1, NaN)),
    "spec: Inf to float8_e4m3fn" = hc(as_torch(c(1, Inf), dtype = "float8_e4m3fn"), "overflow"),
    "spec: Inf to float8_e4m3fnuz" = hc(as_torch(Inf, dtype = "float8_e4m3fnuz"), "overflow"),
    "spec: -Inf to float8_e5m2fnuz" = hc(as_torch(-Inf, dtype = "float8_e5m2fnuz"), "overflow"),
    "spec: -1 to float8_e8m0fnu" = hc(as_torch(-1, dtype = "float8_e8m0fnu"), "overflow"),
    "spec: 0 to float8_e8m0fnu" = hc(as_torch(0, dtype = "float8_e8m0fnu"), "overflow"),
    "spec: 500 to float8_e4m3fn (max 448)" = hc(as_torch(500, dtype = "float8_e4m3fn"), "overflow"),
    "spec: a float64 tensor of 1e10 to float8_e4m3fn" =
      hc(as_torch(as_torch(1e10, dtype = "float64"), dtype = "float8_e4m3fn"), "overflow"),
    "spec: a float8 tensor cast to int64" = hc(as_torch(h_f8(), dtype = "int64"), "dtype"),
    "1, 2 to float8_e5m2 and back" = hc(as_torch(c(1, 2), dtype = "float8_e5m2")$float(), value = c(1, 2)),
    "Inf to float8_e5m2 (which has Inf)" = hc(as_torch(Inf, dtype = "float8_e5m2")$float(), value = Inf),
    # every float8 value is a double exactly: they convert as doubles
    "from_torch(float8_e4m3fn)" = hc(h_f8(), value = c(1, 2)),
    "from_torch(float8_e5m2)" = hc(as_torch(c(0.5, -3))$to(h_torch()$float8_e5m2), value = c(0.5, -3)),
    "from_torch(float8_e4m3fnuz)" = hc(h_torch()$zeros(2L, dtype = h_torch()$float8_e4m3fnuz), value = c(0, 0)),
    "from_torch(float8_e5m2fnuz)" = hc(h_torch()$zeros(2L, dtype = h_torch()$float8_e5m2fnuz), value = c(0, 0)),
    "from_torch(float8_e8m0fnu)" = hc(as_torch(c(1, 4))$to(h_torch()$float8_e8m0fnu), value = c(1, 4)),
    "from_torch(float4_e2m1fn_x2)" = hc(h_torch()$zeros(2L, dtype = h_torch()$uint8)$view(h_torch()$float4_e2m1fn_x2), "unsupported_tensor")
  ))
})

test_that("as_torch() of a tensor follows the same cast rules", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "tensor 1.5 to int64" = hc(as_torch(as_torch(1.5), dtype = "int64"), "dtype"),
    "tensor 1e5 to float16" = hc(as_torch(as_torch(1e5), dtype = "float16"), "overflow"),
    "tensor NaN to bool" = hc(as_torch(as_torch(NaN), dtype = "bool"), "na"),
    "int64 tensor with requires_grad" = hc(as_torch(as_torch(1L), requires_grad = TRUE), "dtype"),
    "tensor with requires_grad = NA" = hc(as_torch(as_torch(1), requires_grad = NA), "arg"),
    "complex tensor to float64" = hc(as_torch(as_torch(1 + 1i), dtype = "float64"), "dtype"),
    "int64 2^40 to int32" = hc(as_torch(h_py_tensor("[2**40]", "int64"), dtype = "int32"), "overflow"),
    "uint64 2^64 - 1 to int64" = hc(as_torch(h_py_tensor("[2**64-1]", "uint64"), dtype = "int64"), "overflow"),
    "int64 -1 to uint64" = hc(as_torch(h_py_tensor("[-1]", "int64"), dtype = "uint64"), "overflow")
  ))
})

# ---- data frames ------------------------------------------------------------

test_that("as_torch() of odd data frames", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "data.frame()" = hc(as_torch(data.frame()), value = matrix(numeric(0), 0, 0)),
    "5 rows, no columns" = hc(as_torch(data.frame(a = 1:5)[, FALSE]), value = matrix(numeric(0), 5, 0)),
    "no rows, 1 column" = hc(as_torch(data.frame(a = numeric(0))), value = matrix(numeric(0), 0, 1)),
    "list column" = hc(as_torch(data.frame(a = I(list(1, 2)))), "type"),
    "character column" = hc(as_torch(data.frame(a = c("x", "y"))), "type"),
    "factor column" = hc(as_torch(data.frame(a = factor(c("x", "y")))), "type"),
    "Date column" = hc(as_torch(data.frame(a = as.Date("2024-01-01") + 0:1)), "type"),
    "POSIXct column" = hc(as_torch(data.frame(a = as.POSIXct("2024-01-01", tz = "UTC"))), "type"),
    "complex column" = hc(as_torch(data.frame(a = 1 + 1i)), "type"),
    "raw column" = hc(as_torch(data.frame(a = as.raw(1))), "type"),
    "matrix column" = hc(as_torch(data.frame(a = I(matrix(1:4, 2)))), "type"),
    "a column named with braces" = hc(as_torch(data.frame(`{x}` = "a", `}` = "b", check.names = FALSE)), "type"),
    "NA in a logical column next to integers" = hc(as_torch(data.frame(a = 1:2, b = c(TRUE, NA))), "na"),
    "a fraction with dtype = 'int64'" = hc(as_torch(data.frame(a = c(1.5, 2), b = 1:2), dtype = "int64"), "dtype"),
    "NA in a logical column to float64" =
      hc(as_torch(data.frame(a = 1:2, b = c(TRUE, NA)), dtype = "float64"), value = matrix(c(1, 2, 1, NA), 2)),
    "logical columns only" = hc(as_torch(data.frame(a = c(TRUE, FALSE))), value = matrix(c(TRUE, FALSE), 2, 1))
  ))
})

test_that("as_torch() of a data frame with a bit64 column is exact", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  run_hostile_cases(list(
    "bit64 column beyond 2^53" = hc(
      as.character(from_torch(as_torch(data.frame(a = bit64::as.integer64(c("9007199254740993", "-5")))), int64 = "bit64")),
      value = c("9007199254740993", "-5")
    ),
    "int64 arithmetic stays exact below the limit" = hc(
      as.character(from_torch(h_py_tensor("[2**62]", "int64") - 1L, int64 = "bit64")),
      value = "4611686018427387903"
    ),
    "int64 2^63 - 1 to bit64" = hc(as.character(from_torch(h_py_tensor("[2**63-1]", "int64"), int64 = "bit64")),
                                   value = "9223372036854775807")
  ))
})

# ---- from_torch() -----------------------------------------------------------

test_that("from_torch() of things that are not tensors", {
  skip_if_no_torch()
  torch <- h_torch()
  run_hostile_cases(list(
    "from_torch(1:3)" = hc(from_torch(1:3), "type"),
    "from_torch(NULL)" = hc(from_torch(NULL), "type"),
    "from_torch(an R list of tensors)" = hc(from_torch(list(h_f32())), value = list(c(1.5, -2, 4))),
    "from_torch(a data frame)" = hc(from_torch(data.frame(a = 1)), "type"),
    "from_torch(environment)" = hc(from_torch(new.env()), "type"),
    "from_torch(None)" = hc(from_torch(pe("None")), value = NULL),
    "from_torch(Python int)" = hc(from_torch(pe("3")), value = 3L),
    "from_torch(Python str)" = hc(from_torch(pe("'a'")), value = "a"),
    "from_torch(range)" = hc(from_torch(pe("range(3)")), "type"),
    "from_torch(set)" = hc(from_torch(pe("{1}")), "type"),
    "from_torch(lambda)" = hc(from_torch(pe("lambda: 1")), "type"),
    "from_torch(torch.float32)" = hc(from_torch(torch$float32), "type"),
    "from_torch(the torch module)" = hc(from_torch(torch), "type"),
    "from_torch([])" = hc(from_torch(pe("[]")), value = list()),
    "from_torch({})" = hc(from_torch(pe("{}")), value = list()),
    "from_torch(a list of scalars)" = hc(from_torch(pe("[1, 2**70, None, 'a']")), value = list(1L, 2^70, NULL, "a")),
    "from_torch(a tuple with None)" = hc(from_torch(reticulate::tuple(torch$tensor(1), NULL)), value = list(1, NULL)),
    "from_torch(a dict)" = hc(
      from_torch(reticulate::dict(a = torch$tensor(1), b = list(torch$tensor(2L)))),
      value = list(a = 1, b = list(2L))
    ),
    "from_torch(a named tuple)" = hc(
      from_torch(torch$max(as_torch(matrix(c(1, 5, 3, 2), 2)), dim = 1L)),
      value = list(values = c(3, 5), indices = c(1L, 0L))
    ),
    "from_torch(a list holding an int64 beyond R)" = hc(from_torch(reticulate::r_to_py(list(h_py_tensor("2**40", "int64")))), "overflow"),
    "int64 = NA" = hc(from_torch(h_f32(), int64 = NA), "arg"),
    "int64 of length 2" = hc(from_torch(h_f32(), int64 = c("double", "integer")), "arg"),
    "int64 = 'Double'" = hc(from_torch(h_f32(), int64 = "Double"), "arg")
  ))
})

test_that("from_torch() of every kind of tensor", {
  skip_if_no_torch()
  torch <- h_torch()
  run_hostile_cases(list(
    "sparse" = hc(from_torch(torch$ones(2L)$to_sparse()), "unsupported_tensor"),
    "meta" = hc(from_torch(torch$ones(2L, device = "meta")), "unsupported_tensor"),
    "quantized" = hc(from_torch(torch$quantize_per_tensor(torch$ones(2L), 0.1, 0L, torch$qint8)), "unsupported_tensor"),
    "nested" = hc(from_torch(torch$nested$nested_tensor(list(torch$ones(2L), torch$ones(3L)))), "unsupported_tensor"),
    "uint16 65535" = hc(h_py_tensor("[65535]", "uint16"), value = 65535L),
    "uint32 2^32 - 1 as integer" = hc(h_py_tensor("[2**32-1]", "uint32"), "overflow"),
    "uint64 2^64 - 1 as bit64" = hc(from_torch(h_py_tensor("[2**64-1]", "uint64"), int64 = "bit64"), "overflow"),
    "uint64 2^64 - 1 as double warns" = hc(
      from_torch(h_py_tensor("[2**64-1]", "uint64"), int64 = "double"),
      check = value_with_warning(2^64, "torchbridge_warning_precision")
    ),
    "int64 2^53 + 1 as double warns" = hc(
      from_torch(h_py_tensor("[2**53+1]", "int64"), int64 = "double"),
      check = value_with_warning(2^53, "torchbridge_warning_precision")
    ),
    "int64 -2^63 (bit64's NA) as bit64" = hc(from_torch(h_py_tensor("[-2**63]", "int64"), int64 = "bit64"), "overflow"),
    "int32 -2^31 (R's NA)" = hc(h_py_tensor("[-2**31]", "int32"), "overflow"),
    "int8 -128" = hc(h_py_tensor("[-128]", "int8"), value = -128L),
    "float16 NaN, Inf, -Inf, 65504" = hc(h_py_tensor("[float('nan'), float('inf'), -float('inf'), 65504]", "float16"),
                                         value = c(NaN, Inf, -Inf, 65504)),
    "bfloat16 0-d" = hc(torch$tensor(-2, dtype = torch$bfloat16), value = -2),
    "complex32" = hc(torch$ones(1L, dtype = torch$complex32), value = 1 + 0i),
    "conjugated complex64 view" = hc(torch$tensor(list(1 + 2i))$conj(), value = 1 - 2i),
    "bool 0-d" = hc(torch$tensor(TRUE), value = TRUE),
    "1 x 0 x 2" = hc(torch$zeros(1L, 0L, 2L), value = array(numeric(0), c(1, 0, 2))),
    "expanded (stride 0)" = hc(torch$ones(3L)$expand(list(2L, 3L)), value = matrix(1, 2, 3)),
    "transposed int64" = hc(torch$arange(6L)$reshape(list(2L, 3L))$t(), value = matrix(0:5, 3)),
    "requires grad" = hc(torch$ones(2L)$requires_grad_(TRUE), value = c(1, 1))
  ))
})

# ---- to_device() ------------------------------------------------------------

test_that("to_device() and friends with hostile arguments", {
  skip_if_no_torch()
  cases <- list(
    "spec: to_device(x) without a device" = hc(to_device(1), "arg"),
    "to_device(x, NULL)" = hc(to_device(1, NULL), "device"),
    "to_device(x, NA)" = hc(to_device(1, NA), "device"),
    "to_device(x, 2 devices)" = hc(to_device(1, c("cpu", "cpu")), "device"),
    "to_device(NULL, 'cpu')" = hc(to_device(NULL, "cpu"), "type"),
    "to_device(factor, 'cpu')" = hc(to_device(factor("a"), "cpu"), "type"),
    "to_device(environment, 'cpu')" = hc(to_device(new.env(), "cpu"), "type"),
    "to_device(x, 'cpu', dtype = 'bad')" = hc(to_device(1, "cpu", dtype = "bad"), "dtype"),
    "to_device(1.5, 'cpu', dtype = 'int64')" = hc(to_device(1.5, "cpu", dtype = "int64"), "dtype"),
    "spec: to_device(tensor, 'cpu:0')" = hc(h_device(to_device(h_f32(), "cpu:0")), value = "cpu"),
    "to_device(tensor, tensor$device)" = hc(to_device(h_f32(), h_f32()$device), value = c(1.5, -2, 4)),
    "to_device(meta tensor, 'cpu')" = hc(to_device(h_torch()$zeros(2L, device = "meta"), "cpu"), "any"),
    "to_cpu(NULL)" = hc(to_cpu(NULL), "type"),
    "to_cpu(Python int)" = hc(to_cpu(pe("1")), "type"),
    "to_cpu(1:3)" = hc(to_cpu(1:3), value = 1:3),
    "default_device('tpu')" = hc(default_device("tpu"), "device"),
    "default_device(NA)" = hc(default_device(NA), "device")
  )
  if (!cuda_is_available()) {
    cases[["to_device(tensor, 'cuda') without CUDA"]] <- hc(to_device(h_f32(), "cuda"), "no_gpu")
    cases[["to_gpu(1) without CUDA"]] <- hc(to_gpu(1), "no_gpu")
  }
  run_hostile_cases(cases)
})

# ---- `[` --------------------------------------------------------------------

test_that("x[i] with NA, huge, infinite, fractional and signed-zero indices", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "t[NA]" = hc(h_idx()[NA], "index"),
    "t[NA_integer_]" = hc(h_idx()[NA_integer_], "index"),
    "t[NA_real_]" = hc(h_idx()[NA_real_], "index"),
    "t[c(1, NA)]" = hc(h_idx()[c(1, NA)], "index"),
    "t[NaN]" = hc(h_idx()[NaN], "index"),
    "t[c(1, NaN)]" = hc(h_idx()[c(1, NaN)], "index"),
    "t[1e300]" = hc(h_idx()[1e300], "index"),
    "t[-1e300]" = hc(h_idx()[-1e300], "index"),
    "t[Inf]" = hc(h_idx()[Inf], "index"),
    "t[-Inf]" = hc(h_idx()[-Inf], "index"),
    "t[2^31]" = hc(h_idx()[2^31], "index"),
    "t[2^53 + 2]" = hc(h_idx()[2^53 + 2], "index"),
    "t[.Machine$integer.max]" = hc(h_idx()[.Machine$integer.max], "index"),
    "t[-.Machine$double.xmax]" = hc(h_idx()[-.Machine$double.xmax], "index"),
    "t[-0]" = hc(h_idx()[-0], value = numeric(0)),
    "t[0.5]" = hc(h_idx()[0.5], value = numeric(0)),
    "t[1.9]" = hc(h_idx()[1.9], value = 10),
    "t[-1.5]" = hc(h_idx()[-1.5], value = c(20, 30)),
    "t[c(0, -1)]" = hc(h_idx()[c(0, -1)], value = c(20, 30)),
    "t[c(-1, 1)]" = hc(h_idx()[c(-1, 1)], "index"),
    "t[FALSE]" = hc(h_idx()[FALSE], value = numeric(0)),
    "t[TRUE]" = hc(h_idx()[TRUE], value = c(10, 20, 30)),
    "t[NULL]" = hc(h_idx()[NULL], value = numeric(0)),
    "t[logical longer than t]" = hc(h_idx()[c(TRUE, FALSE, TRUE, TRUE)], "index"),
    "t[rep(1, 5)]" = hc(h_idx()[rep(1, 5)], value = rep(10, 5)),
    "t[2:1]" = hc(h_idx()[2L:1L], value = c(20, 10)),
    "t[-(1:3)]" = hc(h_idx()[-(1:3)], value = numeric(0)),
    "t[-4]" = hc(h_idx()[-4], "index"),
    "t[3:5]" = hc(h_idx()[3:5], "index"),
    "t[c(a = 1)]" = hc(h_idx()[c(a = 1)], value = 10),
    "t[a 1 x 1 x 1 array]" = hc(h_idx()[array(2, c(1, 1, 1))], value = 20),
    "t[as_torch(-0)]" = hc(h_idx()[as_torch(-0)], value = numeric(0)),
    "t[as_torch(1e300, float64)]" = hc(h_idx()[as_torch(1e300, dtype = "float64")], "index"),
    "t[as_torch(NaN)]" = hc(h_idx()[as_torch(NaN)], "index"),
    "t[as_torch(2L)]" = hc(h_idx()[as_torch(2L)], value = 20),
    "t[bool tensor]" = hc(h_idx()[as_torch(c(TRUE, FALSE, TRUE))], value = c(10, 30)),
    "t[a Python int] is Python's 0-based indexing" = hc(h_idx()[pe("1")], value = 20)
  ))
})

test_that("x[i] with indices of the wrong kind", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "t['a']" = hc(h_idx()["a"], "index"),
    "t[list(1)]" = hc(h_idx()[list(1)], "index"),
    "t[factor]" = hc(h_idx()[factor("a")], "index"),
    "t[Date]" = hc(h_idx()[as.Date("2024-01-01")], "index"),
    "t[environment]" = hc(h_idx()[new.env()], "index"),
    "t[function]" = hc(h_idx()[sum], "index"),
    "t[raw]" = hc(h_idx()[as.raw(1)], "index"),
    "t[complex]" = hc(h_idx()[1i], "index"),
    "t[classed double]" = hc(h_idx()[structure(2, class = "foo")], "index"),
    "t[S4 double]" = hc(h_idx()[h_s4(2)], "index"),
    "t[complex tensor]" = hc(h_idx()[as_torch(1 + 0i)], "index"),
    "t[1, 1] on a 1-D tensor" = hc(h_idx()[1, 1], "index"),
    "m[, , ] on a matrix" = hc(h_mat()[, , ], "index"),
    "m[1, , drop = NA]" = hc(h_mat()[1, , drop = NA], "arg"),
    "m[1, drop = 'a']" = hc(h_mat()[1, drop = "a"], "arg")
  ))
})

test_that("x[i] on matrices, 0-d and empty tensors", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "m[7]" = hc(h_mat()[7], "index"),
    "m[3, 1]" = hc(h_mat()[3, 1], "index"),
    "m[, 4]" = hc(h_mat()[, 4], "index"),
    "m[0, 0]" = hc(h_mat()[0, 0], value = matrix(integer(0), 0, 0)),
    "m[cbind(2, 3)]" = hc(h_mat()[cbind(2, 3)], value = 6L),
    "m[cbind(3, 1)]" = hc(h_mat()[cbind(3, 1)], "index"),
    "m[cbind(NA, 1)]" = hc(h_mat()[cbind(NA, 1)], "index"),
    "m[cbind(-1, 1)]" = hc(h_mat()[cbind(-1, 1)], "index"),
    "m[cbind(1.5, 2)]" = hc(h_mat()[cbind(1.5, 2)], value = 3L),
    "m[cbind(1, 1, 1)] is a vector index" = hc(h_mat()[cbind(1, 1, 1)], value = c(1L, 1L, 1L)),
    "m[cbind(0, 1)]" = hc(h_mat()[cbind(0, 1)], value = integer(0)),
    "m[logical matrix with NA]" = hc(h_mat()[matrix(c(TRUE, NA), 2, 3)], "index"),
    "m[c(TRUE, NA)]" = hc(h_mat()[c(TRUE, NA)], "index"),
    "m[1, 2, drop = FALSE]" = hc(h_mat()[1, 2, drop = FALSE], value = matrix(3L, 1, 1)),
    "0-d z[1]" = hc(h_0d()[1], value = 5),
    "0-d z[2]" = hc(h_0d()[2], "index"),
    "0-d z[0]" = hc(h_0d()[0], value = numeric(0)),
    "0-d z[-1]" = hc(h_0d()[-1], value = numeric(0)),
    "0-d z[TRUE]" = hc(h_0d()[TRUE], value = 5),
    "0-d z[]" = hc(h_0d()[], value = 5),
    "empty e[1]" = hc(h_empty()[1], "index"),
    "empty e[-1]" = hc(h_empty()[-1], "index"),
    "empty e[0]" = hc(h_empty()[0], value = numeric(0)),
    "empty e[]" = hc(h_empty()[], value = numeric(0)),
    "empty e[TRUE]" = hc(h_empty()[TRUE], value = numeric(0)),
    "1-D tensor of 2^31 + 5 elements: t[2^31 + 5]" =
      hc(h_torch()$zeros(1L)$expand(list(pe("2**31+5")))[2^31 + 5], value = 0),
    "length() of 2^31 + 5 elements" = hc(length(h_torch()$zeros(1L)$expand(list(pe("2**31+5")))), value = 2147483653)
  ))
})

test_that("spec: x[[i]] has R's meaning", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "spec: t[[2]]" = hc(h_idx()[[2]], value = 20),
    "spec: t[[2]] is 0-d" = hc(dim(h_idx()[[2]]), value = integer(0)),
    "spec: m[[2, 3]]" = hc(h_mat()[[2, 3]], value = 6L),
    "spec: t[[5]]" = hc(h_idx()[[5]], "index"),
    "spec: t[[1:2]]" = hc(h_idx()[[1:2]], "index"),
    "spec: t[[integer(0)]]" = hc(h_idx()[[integer(0)]], "index"),
    "spec: t[[2]] <- 99" = hc({
      t <- h_idx()
      t[[2]] <- 99
      t
    }, value = c(10, 99, 30))
  ))
})

# ---- `[<-` ------------------------------------------------------------------

test_that("x[i] <- value with values of the wrong kind", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "int64[1] <- NA" = hc({ t <- h_i64(); t[1] <- NA; t }, "na"),
    "t[1] <- 'a'" = hc({ t <- h_i64(); t[1] <- "a"; t }, "type"),
    "t[1] <- NULL" = hc({ t <- h_i64(); t[1] <- NULL; t }, "type"),
    "t[1] <- list(1)" = hc({ t <- h_i64(); t[1] <- list(1); t }, "type"),
    "t[1] <- factor" = hc({ t <- h_i64(); t[1] <- factor("a"); t }, "type"),
    "t[1] <- Date" = hc({ t <- h_i64(); t[1] <- as.Date("2024-01-01"); t }, "type"),
    "t[1] <- environment" = hc({ t <- h_i64(); t[1] <- new.env(); t }, "type"),
    "t[1] <- function" = hc({ t <- h_f32(); t[1] <- sum; t }, "type"),
    "t[1] <- raw" = hc({ t <- h_f32(); t[1] <- as.raw(1); t }, "type"),
    "t[1] <- Python int" = hc({ t <- h_f32(); t[1] <- pe("1"); t }, "type"),
    "t[1] <- S4 double" = hc({ t <- h_f32(); t[1] <- h_s4(5); t }, "type"),
    "int64[1] <- 2.5" = hc({ t <- h_i64(); t[1] <- 2.5; t }, "dtype"),
    "uint8[1] <- 300" = hc({ t <- h_u8(); t[1] <- 300; t }, "overflow"),
    "uint8[1] <- -1" = hc({ t <- h_u8(); t[1] <- -1; t }, "overflow"),
    "float32[1] <- 1+1i" = hc({ t <- h_f32(); t[1] <- 1 + 1i; t }, "dtype"),
    "int64[1] <- NaN tensor" = hc({ t <- h_i64(); t[1] <- as_torch(NaN); t }, "na"),
    "float32[1] <- complex tensor" = hc({ t <- h_f32(); t[1] <- as_torch(1 + 1i); t }, "dtype"),
    "float32[1] <- TRUE" = hc({ t <- h_f32(); t[1] <- TRUE; t }, value = c(1, -2, 4)),
    "float32[1] <- bool tensor" = hc({ t <- h_f32(); t[1] <- as_torch(TRUE); t }, value = c(1, -2, 4)),
    "float32[1] <- NA is NaN" = hc({ t <- h_f32(); t[1] <- NA; t }, value = c(NaN, -2, 4)),
    "float64[1] <- NA keeps NA" = hc({ t <- h_f64(); t[1] <- NA; t }, value = c(NA, -2, 4)),
    "float32[1] <- Inf" = hc({ t <- h_f32(); t[1] <- Inf; t }, value = c(Inf, -2, 4)),
    "write into a leaf that requires grad" =
      hc({ t <- as_torch(c(1, 2))$requires_grad_(TRUE); t[1] <- 0; t }, "any")
  ))
})

test_that("x[i] <- value with hostile indices and lengths", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "t[1] <- 1:2" = hc({ t <- h_i64(); t[1] <- 1:2; t }, "shape"),
    "t[1:4] <- 1:2" = hc({ t <- h_i64(); t[1:4] <- 1:2; t }, "index"),
    "t[1] <- integer(0)" = hc({ t <- h_i64(); t[1] <- integer(0); t }, "shape"),
    "t[0] <- integer(0)" = hc({ t <- h_i64(); t[0] <- integer(0); t }, value = c(3L, -7L, 0L)),
    "t[NULL] <- 9" = hc({ t <- h_idx(); t[NULL] <- 9; t }, value = c(10, 20, 30)),
    "t[-0] <- 9" = hc({ t <- h_idx(); t[-0] <- 9; t }, value = c(10, 20, 30)),
    "t[0.5] <- 9" = hc({ t <- h_idx(); t[0.5] <- 9; t }, value = c(10, 20, 30)),
    "t[-1] <- 7" = hc({ t <- h_idx(); t[-1] <- 7; t }, value = c(10, 7, 7)),
    "t[] <- 7" = hc({ t <- h_idx(); t[] <- 7; t }, value = c(7, 7, 7)),
    "t[NA] <- 1" = hc({ t <- h_idx(); t[NA] <- 1; t }, "index"),
    "t[1e300] <- 1" = hc({ t <- h_idx(); t[1e300] <- 1; t }, "index"),
    "t[Inf] <- 1" = hc({ t <- h_idx(); t[Inf] <- 1; t }, "index"),
    "t[NaN] <- 1" = hc({ t <- h_idx(); t[NaN] <- 1; t }, "index"),
    "t['a'] <- 1" = hc({ t <- h_idx(); t["a"] <- 1; t }, "index"),
    "t[longer logical] <- 1" = hc({ t <- h_idx(); t[c(TRUE, FALSE, TRUE, TRUE)] <- 1; t }, "index"),
    "m[3, 1] <- 0L" = hc({ m <- h_mat(); m[3, 1] <- 0L; m }, "index"),
    "m[7] <- 9L" = hc({ m <- h_mat(); m[7] <- 9L; m }, "index"),
    "m[cbind(2, 3)] <- 0L" = hc({ m <- h_mat(); m[cbind(2, 3)] <- 0L; m }, value = matrix(c(1:5, 0L), 2)),
    "m[, 1] <- c(10L, 20L)" = hc({ m <- h_mat(); m[, 1] <- c(10L, 20L); m }, value = matrix(c(10L, 20L, 3:6), 2)),
    "m[, 2:1] <- m (R reads the value first)" = hc({
      m <- as_torch(matrix(c(1, 2, 3, 4), 2), dtype = "float64"); m[, 2:1] <- m; m
    }, value = matrix(c(3, 4, 1, 2), 2)),
    "t[] <- t$flip(0L)" = hc({ t <- h_idx(); t[] <- t$flip(0L); t }, value = c(30, 20, 10)),
    "t[2:4] <- a view of t overlapping the target" = hc({
      t <- as_torch(c(1, 2, 3, 4), dtype = "float64"); t[2:4] <- t$narrow(0L, 0L, 3L); t
    }, check = error_or_value(c(1, 1, 2, 3))),
    "0-d z[1] <- 7" = hc({ z <- h_0d(); z[1] <- 7; z }, value = 7),
    "0-d z[] <- 7" = hc({ z <- h_0d(); z[] <- 7; z }, value = 7),
    "empty e[] <- 5" = hc({ e <- h_empty(); e[] <- 5; e }, value = numeric(0)),
    "empty e[1] <- 5" = hc({ e <- h_empty(); e[1] <- 5; e }, "index")
  ))
})

test_that("spec: t[i] <- scalar writes exactly, narrow casts overflow", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "spec: float64 t[1] <- 0.1" = hc({ t <- h_f64(); t[1] <- 0.1; from_torch(t)[1] }, value = 0.1),
    "spec: float64 t[1] <- 1e300" = hc({ t <- h_f64(); t[1] <- 1e300; from_torch(t)[1] }, value = 1e300),
    "spec: int64 t[1] <- 123456789" = hc({ t <- h_i64(); t[1] <- 123456789; from_torch(t)[1] }, value = 123456789L),
    "spec: complex128 t[1] <- 0.1+0.2i" = hc({
      t <- as_torch(c(0, 0), dtype = "complex128"); t[1] <- 0.1 + 0.2i; from_torch(t)[1]
    }, value = 0.1 + 0.2i),
    "spec: float32 t[1] <- 1e39" = hc({ t <- h_f32(); t[1] <- 1e39; t }, "overflow"),
    "spec: float16 t[1] <- a bfloat16 1e10" = hc({
      x <- as_torch(c(0.5, 1), dtype = "float16"); x[1] <- as_torch(1e10, dtype = "bfloat16"); x
    }, "overflow"),
    "spec: float16 t[1] <- 1e5" = hc({ x <- as_torch(c(0.5, 1), dtype = "float16"); x[1] <- 1e5; x }, "overflow"),
    "spec: float8 t[1] <- Inf" = hc({ x <- h_f8(); x[1] <- Inf; x$float() }, "overflow")
  ))
})

# ---- Ops --------------------------------------------------------------------

test_that("operators with operands that are not numbers", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "t + 'a'" = hc(h_f32() + "a", "type"),
    "t + NULL" = hc(h_f32() + NULL, "type"),
    "t + list(1)" = hc(h_f32() + list(1), "type"),
    "t + environment" = hc(h_f32() + new.env(), "type"),
    "t + function" = hc(h_f32() + sum, "type"),
    "t + raw" = hc(h_f32() + as.raw(1), "type"),
    "t == 'a'" = hc(h_f32() == "a", "type"),
    "t + Python int" = hc(h_f32() + pe("1"), "type"),
    "Python int + t" = hc(pe("1") + h_f32(), "type"),
    "t + classed double" = hc(h_f32() + structure(1, class = "foo"), "type"),
    "t + S4 double" = hc(h_f32() + h_s4(), "type"),
    "1 %@% 2" = hc(1 %@% 2, "type"),
    "t %@% 'a'" = hc(h_f32() %@% "a", "type"),
    "t %@% NULL" = hc(h_f32() %@% NULL, "type")
  ))
})

test_that("operators with shapes, NA, zero and empty operands", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "t + 1:2 (does not divide)" = hc(h_f32() + 1:2, "shape"),
    "t + integer(0)" = hc(h_f32() + integer(0), "shape"),
    "t + 2 x 2 matrix" = hc(h_f32() + matrix(1:4, 2), "shape"),
    "t + 3 x 1 matrix" = hc(h_f32() + array(1:3, c(3, 1)), "shape"),
    "t + tensor of shape (2)" = hc(h_f32() + h_torch()$ones(2L), "shape"),
    "t + empty tensor" = hc(h_f32() + h_empty(), "shape"),
    "0-d + 1:3" = hc(h_0d() + 1:3, "shape"),
    "t %@% 1:2" = hc(h_f32() %@% 1:2, "shape"),
    "int64 + NA" = hc(h_i64() + NA, "na"),
    "float32 + NA" = hc(h_f32() + NA, value = rep(NaN, 3)),
    "float64 + NA is NA" = hc(h_f64() + NA, value = rep(NA_real_, 3)),
    "int64 + NA_real_" = hc(h_i64() + NA_real_, value = rep(NaN, 3)),
    "int64 %/% 0L" = hc(h_i64() %/% 0L, "na"),
    "int64 %% 0L" = hc(h_i64() %% 0L, "na"),
    "int64 / 0L" = hc(h_i64() / 0L, value = c(Inf, -Inf, NaN)),
    "float32 %/% 0" = hc(h_f32() %/% 0, value = c(Inf, -Inf, Inf)),
    "empty + 1" = hc(h_empty() + 1, value = numeric(0)),
    "empty + numeric(0)" = hc(h_empty() + numeric(0), value = numeric(0)),
    "t + c(a = 1)" = hc(h_f32() + c(a = 1), value = c(2.5, -1, 5)),
    "t + 1-D array" = hc(h_f32() + array(1:3, 3), value = c(2.5, 0, 7)),
    "bool + bool" = hc(h_bool() + h_bool(), value = c(2L, 0L, 2L)),
    "-bool" = hc(-h_bool(), value = c(-1L, 0L, -1L)),
    "t %@% t" = hc(h_f32() %@% h_f32(), value = matrix(22.25, 1, 1)),
    "float16 + 70000" = hc(as_torch(1, dtype = "float16") + 70000, "overflow"),
    "float32 * 1e39" = hc(h_f32() * 1e39, "overflow"),
    "uint8 254 + 1L stays exact" = hc(as_torch(254L, dtype = "uint8") + 1L, value = 255L)
  ))
})

test_that("spec: integer arithmetic that would wrap is torchbridge_error_overflow", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "spec: uint8 0 - 1L" = hc(as_torch(0L, dtype = "uint8") - 1L, check = error_matching("overflow", "`-`")),
    "spec: int32 max + 1L" = hc(as_torch(.Machine$integer.max, dtype = "int32") + 1L, "overflow"),
    "spec: int64 2^62 * 4" = hc(h_py_tensor("[2**62]", "int64") * 4L, "overflow"),
    "spec: -uint8 non-zero" = hc(-h_u8(), "overflow"),
    "spec: abs(int64 min)" = hc(abs(h_py_tensor("[-2**63]", "int64")), "overflow"),
    "spec: -(int64 min)" = hc(-h_py_tensor("[-2**63]", "int64"), "overflow"),
    "spec: prod() overflowing int64" = hc(prod(h_py_tensor("[2**62, 4]", "int64")), "overflow"),
    "spec: sum() overflowing int64" = hc(sum(h_py_tensor("[2**62, 2**62]", "int64")), "overflow"),
    "spec: cumsum() overflowing int64" = hc(cumsum(h_py_tensor("[2**62, 2**62]", "int64")), "overflow"),
    "spec: cumprod() overflowing int64" = hc(cumprod(h_py_tensor("[2**40, 2**40]", "int64")), "overflow"),
    "uint8 255 + 1L" = hc(h_u8() + 1L, "overflow"),
    "uint8 255 * 2L" = hc(h_u8() * 2L, "overflow"),
    "int64 min %/% -1L" = hc(h_py_tensor("[-2**63]", "int64") %/% -1L, "overflow"),
    "prod(int64 2^62, 4L)" = hc(prod(h_py_tensor("[2**62]", "int64"), 4L), "overflow")
  ))
})

# ---- Math, Complex ----------------------------------------------------------

test_that("Math functions with hostile arguments", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "log(t, 'a')" = hc(log(h_f32(), "a"), "arg"),
    "log(t, NA)" = hc(log(h_f32(), NA), "arg"),
    "log(t, c(2, 3))" = hc(log(h_f32(), c(2, 3)), "arg"),
    "log(t, NULL)" = hc(log(h_f32(), NULL), "arg"),
    "log(t, Python int)" = hc(log(h_f32(), pe("2")), "arg"),
    "round(t, NA)" = hc(round(h_f32(), NA), "arg"),
    "round(t, '1')" = hc(round(h_f32(), "1"), "arg"),
    "spec: log(t, -1)" = hc(log(h_f32(), -1), value = rep(NaN, 3)),
    "spec: log(t, 0)" = hc(log(h_f64(), 0), value = suppressWarnings(log(c(1.5, -2, 4), 0))),
    "log(t, 1)" = hc(log(h_f32(), 1), value = c(Inf, NaN, Inf)),
    "log(t, Inf)" = hc(log(h_f32(), Inf), value = c(0, NaN, 0)),
    "round(t, 1e10)" = hc(round(h_f32(), 1e10), value = c(1.5, -2, 4)),
    "round(t, Inf)" = hc(round(h_f32(), Inf), value = c(1.5, -2, 4)),
    "round(t, -Inf)" = hc(round(h_f64(), -Inf), value = c(0, 0, 0)),
    "signif(t, 0)" = hc(signif(h_f64(), 0), value = c(2, -2, 4)),
    "signif(t, -1)" = hc(signif(h_f64(), -1), value = c(2, -2, 4)),
    "cumsum(empty)" = hc(cumsum(h_empty()), value = numeric(0)),
    "cumprod(empty)" = hc(cumprod(h_empty()), value = numeric(0)),
    "cummax(empty int64)" = hc(cummax(as_torch(integer(0))), value = integer(0)),
    "cumsum(0-d)" = hc(cumsum(h_0d()), value = 5),
    "abs(uint8)" = hc(abs(h_u8()), value = c(0L, 5L, 255L)),
    "sign(bool)" = hc(sign(h_bool()), value = c(1L, 0L, 1L)),
    "gamma(int64) at poles" = hc(gamma(h_i64()), value = c(2, NaN, NaN)),
    "trigamma(0, -1)" = hc(trigamma(as_torch(c(0, -1), dtype = "float64")), value = c(Inf, Inf)),
    "sqrt(-1)" = hc(sqrt(as_torch(-1, dtype = "float64")), value = NaN),
    "floor(complex)" = hc(floor(h_cplx()), "dtype"),
    "exp(float8)" = hc(exp(h_f8()), "dtype"),
    "Re(float32)" = hc(Re(h_f32()), value = c(1.5, -2, 4)),
    "Im(int64)" = hc(Im(h_i64()), value = c(0, 0, 0)),
    "Arg(bool)" = hc(Arg(h_bool()), value = c(0, 0, 0)),
    "Conj(complex)" = hc(Conj(h_cplx()), value = c(1 - 2i, 0 + 1i))
  ))
})

test_that("spec: is.na() and friends give a bool tensor like base R", {
  skip_if_no_torch()
  x <- c(1, NA, NaN, Inf, -Inf)
  run_hostile_cases(list(
    "spec: is.na(float64)" = hc(is.na(as_torch(c(1, NA, NaN, Inf, -Inf), dtype = "float64")), value = is.na(x)),
    "spec: is.nan(float64)" = hc(is.nan(as_torch(c(1, NA, NaN, Inf, -Inf), dtype = "float64")), value = is.nan(x)),
    "spec: is.finite(float64)" = hc(is.finite(as_torch(c(1, NA, NaN, Inf, -Inf), dtype = "float64")), value = is.finite(x)),
    "spec: is.infinite(float64)" = hc(is.infinite(as_torch(c(1, NA, NaN, Inf, -Inf), dtype = "float64")), value = is.infinite(x)),
    "spec: is.na(float32) of NaN" = hc(is.na(as_torch(c(1, NaN))), value = c(FALSE, TRUE)),
    "spec: is.na(int64)" = hc(is.na(h_i64()), value = c(FALSE, FALSE, FALSE)),
    "spec: is.finite(bool)" = hc(is.finite(h_bool()), value = c(TRUE, TRUE, TRUE)),
    "spec: is.na() is a bool tensor" = hc(h_dtype(is.na(h_f32())), value = "bool"),
    "spec: is.na() keeps the shape" = hc(dim(is.na(as_torch(matrix(c(1, NA, 3, 4), 2)))), value = c(2L, 2L)),
    "spec: anyNA(with NaN)" = hc(anyNA(as_torch(c(1, NaN))), value = TRUE),
    "spec: anyNA(without)" = hc(anyNA(h_f32()), value = FALSE),
    "spec: anyNA(int64)" = hc(anyNA(h_i64()), value = FALSE)
  ))
})

# ---- Summary ----------------------------------------------------------------

test_that("summaries with hostile arguments and empty tensors", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "sum(t, 'a')" = hc(sum(h_f32(), "a"), "type"),
    "sum(t, list(1))" = hc(sum(h_f32(), list(1)), "type"),
    "sum(t, Python int)" = hc(sum(h_f32(), pe("1")), "type"),
    "sum(t, environment)" = hc(sum(h_f32(), new.env()), "type"),
    "sum(t, na.rm = NA)" = hc(sum(h_f32(), na.rm = NA), "arg"),
    "sum(t, na.rm = c(TRUE, FALSE))" = hc(sum(h_f32(), na.rm = c(TRUE, FALSE)), "arg"),
    "sum(t, foo = 1)" = hc(sum(h_f32(), foo = 1), "arg"),
    "mean(t, trim = 0.1)" = hc(mean(h_f32(), trim = 0.1), "arg"),
    "mean(t, 1)" = hc(mean(h_f32(), 1), "arg"),
    "mean(t, na.rm = NA)" = hc(mean(h_f32(), na.rm = NA), "arg"),
    "max(empty)" = hc(max(h_empty()), value = -Inf),
    "min(empty)" = hc(min(h_empty()), value = Inf),
    "min(empty int64)" = hc(min(as_torch(integer(0))), value = Inf),
    "prod(empty)" = hc(prod(h_empty()), value = 1),
    "range(empty)" = hc(range(h_empty()), value = c(Inf, -Inf)),
    "sum(empty)" = hc(sum(h_empty()), value = 0),
    "sum(empty int64)" = hc(sum(as_torch(integer(0))), value = 0L),
    "mean(empty)" = hc(mean(h_empty()), value = NaN),
    "any(empty)" = hc(any(h_empty()), value = FALSE),
    "all(empty)" = hc(all(h_empty()), value = TRUE),
    "any(NaN, 0) is NA" = hc(any(as_torch(c(NaN, 0))), "na"),
    "any(NaN, 1)" = hc(any(as_torch(c(NaN, 1))), value = TRUE),
    "all(NaN, 0)" = hc(all(as_torch(c(NaN, 0))), value = FALSE),
    "max(complex)" = hc(max(h_cplx()), "dtype"),
    "sum(complex)" = hc(sum(h_cplx()), value = 1 + 1i),
    "max(t, NA)" = hc(max(h_f32(), NA), value = NaN),
    "max(t, NA, na.rm = TRUE)" = hc(max(h_f32(), NA, na.rm = TRUE), value = 4),
    "max(NaN, NaN, na.rm = TRUE)" = hc(max(as_torch(c(NaN, NaN)), na.rm = TRUE), value = -Inf),
    "sum(int64, NA)" = hc(sum(h_i64(), NA), "na"),
    "sum(float32, 1e300)" = hc(sum(h_f32(), 1e300), "overflow"),
    "sum(t, 1:3)" = hc(sum(h_f32(), 1:3), value = 9.5),
    "max(float8)" = hc(max(h_f8()), "any"),
    "sum(0-d)" = hc(sum(h_0d()), value = 5)
  ))
})

# ---- all.equal(), aperm(), dims ------------------------------------------------

test_that("spec: all.equal() of tensors compares values, dtype, shape", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "spec: different values" = hc(is.character(all.equal(as_torch(1:3), as_torch(c(1L, 2L, 4L)))), value = TRUE),
    "spec: a clone" = hc({ a <- h_f32(); all.equal(a, a$clone()) }, value = TRUE),
    "spec: float32 vs float64" = hc(is.character(all.equal(as_torch(1), as_torch(1, dtype = "float64"))), value = TRUE),
    "spec: shapes differ" = hc(is.character(all.equal(as_torch(1:4), as_torch(matrix(1:4, 2)))), value = TRUE),
    "spec: within R's tolerance" = hc(
      all.equal(as_torch(1, dtype = "float64"), as_torch(1 + 1e-10, dtype = "float64")),
      value = TRUE
    ),
    "spec: tensor vs an R number" = hc(is.character(all.equal(as_torch(1), 1)), value = TRUE),
    "tensor vs a string" = hc(is.character(all.equal(as_torch(1), "a")), value = TRUE)
  ))
  local({
    local_edition(2)
    expect_failure(expect_equal(as_torch(1:3), as_torch(c(1L, 2L, 4L))))
  })
})

test_that("spec: aperm(resize = FALSE) copies; perm and t() checks", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "spec: aperm(resize = FALSE), shape (3)" = hc({
      a <- as_torch(c(1, 2, 3)); b <- aperm(a, resize = FALSE); b$add_(1); from_torch(a)
    }, value = c(1, 2, 3)),
    "spec: aperm(resize = FALSE), shape (3, 1)" = hc({
      a <- as_torch(matrix(c(1, 2, 3), 3)); b <- aperm(a, resize = FALSE); b$add_(1); from_torch(a)
    }, value = matrix(c(1, 2, 3), 3)),
    "spec: aperm(resize = FALSE), shape (1, 1, 4)" = hc({
      a <- as_torch(array(1:4, c(1, 1, 4)), dtype = "float64"); b <- aperm(a, resize = FALSE); b$add_(1); from_torch(a)
    }, value = array(c(1, 2, 3, 4), c(1, 1, 4))),
    "aperm(m, c(1, 1))" = hc(aperm(h_mat(), c(1, 1)), "index"),
    "aperm(m, c(1, 3))" = hc(aperm(h_mat(), c(1, 3)), "index"),
    "aperm(m, NA)" = hc(aperm(h_mat(), NA), "index"),
    "aperm(m, 'a')" = hc(aperm(h_mat(), "a"), "index"),
    "aperm(m, c(0, 1))" = hc(aperm(h_mat(), c(0, 1)), "index"),
    "aperm(m, resize = NA)" = hc(aperm(h_mat(), resize = NA), "arg"),
    "t() of a 3-D tensor" = hc(t(h_torch()$zeros(2L, 2L, 2L)), "shape"),
    "t() of a 0-d tensor" = hc(t(h_0d()), value = matrix(5, 1, 1)),
    "t() of an empty tensor" = hc(t(h_empty()), value = matrix(numeric(0), 1, 0)),
    "dim(0-d)" = hc(dim(h_0d()), value = integer(0)),
    "length(0-d)" = hc(length(h_0d()), value = 1L),
    "length(empty)" = hc(length(h_empty()), value = 0L),
    "as.logical(c(0, NaN, 2))" = hc(as.logical(as_torch(c(0, NaN, 2))), value = c(FALSE, NA, TRUE)),
    "as.integer(int64 2^40)" = hc(as.integer(h_py_tensor("[2**40]", "int64")), "overflow"),
    "as.double(int64 2^40)" = hc(as.double(h_py_tensor("[2**40]", "int64")), value = 2^40)
  ))
})

# ---- print(), format(), str(), summary() --------------------------------------

test_that("print() and str() of tensors that can't show values, and huge shapes", {
  skip_if_no_torch()
  torch <- h_torch()
  not_shown <- function(lines) isTRUE(grepl("values not shown", lines[1], fixed = TRUE))
  nested <- function() torch$nested$nested_tensor(list(torch$ones(2L), torch$ones(3L)))
  big <- function() torch$zeros(1L)$expand(list(pe("2**40")))
  big2 <- function() torch$zeros(1L, 1L)$expand(list(pe("2**32"), 2L))
  run_hostile_cases(list(
    "format(0-d)" = hc(format(h_0d())[1], value = " 5"),
    "format(empty)" = hc(format(h_empty())[1], value = " (no elements)"),
    "format(2 x 0 x 3)" = hc(format(torch$zeros(2L, 0L, 3L))[1], value = " (no elements)"),
    "format(float8)" = hc(format(h_f8())[1], value = " 1 2"),
    "format(meta)" = hc(not_shown(format(torch$ones(2L, device = "meta"))), value = TRUE),
    "format(sparse)" = hc(not_shown(format(torch$ones(2L)$to_sparse())), value = TRUE),
    "format(quantized)" = hc(not_shown(format(torch$quantize_per_tensor(torch$ones(2L), 0.1, 0L, torch$qint8))), value = TRUE),
    "spec: print(nested)" = hc(not_shown(utils::capture.output(print(nested()))), value = TRUE),
    "spec: str(nested)" = hc(is.character(utils::capture.output(utils::str(nested()))), value = TRUE),
    "spec: print() of a 2^40 shape" = hc(
      any(grepl("shape: (1099511627776)", utils::capture.output(print(big())), fixed = TRUE)), value = TRUE
    ),
    "spec: str() of a 2^40 shape" = hc(
      grepl("(1099511627776)", utils::capture.output(utils::str(big())), fixed = TRUE), value = TRUE
    ),
    "spec: print() of a (2^32, 2) shape" = hc(
      any(grepl("shape: (4294967296, 2)", utils::capture.output(print(big2())), fixed = TRUE)), value = TRUE
    ),
    "spec: errors name a 2^40 shape" = hc(big()[1, 1], check = error_matching("index", "1099511627776")),
    "dim() of a (2^32, 2) tensor" = hc(dim(big2()), "size"),
    "length() of a 2^40 tensor" = hc(length(big()), value = 2^40),
    "summary(empty)" = hc(unclass(summary(h_empty()))[c("n", "nan")], value = list(n = 0, nan = 0)),
    "summary(complex)" = hc(summary(h_cplx()), "dtype")
  ))
})

# ---- tensor_data() --------------------------------------------------------------

test_that("tensor_data() with hostile arguments", {
  skip_if_no_torch()
  run_hostile_cases(list(
    "tensor_data(1:3)" = hc(tensor_data(1:3), "type"),
    "tensor_data(NULL)" = hc(tensor_data(NULL), "type"),
    "tensor_data(Python int)" = hc(tensor_data(pe("1")), "type"),
    "max_elements = 0" = hc(tensor_data(h_f32(), max_elements = 0), "arg"),
    "max_elements = NA" = hc(tensor_data(h_f32(), max_elements = NA), "arg"),
    "max_elements = -1" = hc(tensor_data(h_f32(), max_elements = -1), "arg"),
    "max_elements = 'a'" = hc(tensor_data(h_f32(), max_elements = "a"), "arg"),
    "max_elements = 1.5" = hc(tensor_data(h_f32(), max_elements = 1.5), "arg"),
    "max_elements of length 2" = hc(tensor_data(h_f32(), max_elements = c(1, 2)), "arg"),
    "max_elements = TRUE" = hc(tensor_data(h_f32(), max_elements = TRUE), "arg"),
    "image = NA" = hc(tensor_data(h_f32(), image = NA), "arg"),
    "image = TRUE on 1-D" = hc(tensor_data(h_f32(), image = TRUE), "shape"),
    "more elements than max_elements" = hc(tensor_data(h_f32(), max_elements = 2), "size"),
    "max_elements = Inf" = hc(tensor_data(h_f32(), max_elements = Inf),
                              value = data.frame(dim1 = 1:3, value = c(1.5, -2, 4))),
    "max_elements = 1e300" = hc(tensor_data(h_f32(), max_elements = 1e300)$value, value = c(1.5, -2, 4)),
    "0-d" = hc(tensor_data(h_0d()), value = data.frame(value = 5)),
    "0 x 2" = hc(tensor_data(as_torch(matrix(numeric(0), 0, 2))),
                 value = data.frame(row = integer(0), col = integer(0), value = numeric(0))),
    "complex" = hc(tensor_data(as_torch(1 + 1i))$value, value = 1 + 1i),
    "a 2^40-element tensor" = hc(tensor_data(h_torch()$zeros(1L)$expand(list(pe("2**40")))), "size"),
    "float8" = hc(tensor_data(h_f8()), value = data.frame(dim1 = 1:2, value = c(1, 2))),
    "float4" = hc(tensor_data(h_torch()$zeros(2L, dtype = h_torch()$uint8)$view(h_torch()$float4_e2m1fn_x2)), "unsupported_tensor")
  ))
})

# ---- autoplot() -----------------------------------------------------------------

test_that("autoplot() with hostile arguments and tensors", {
  skip_if_no_torch()
  skip_if_not_installed("ggplot2")
  autoplot <- ggplot2::autoplot
  is_plot <- function(p) isTRUE(inherits(p, "ggplot"))
  run_hostile_cases(list(
    "spec: type = 'a'" = hc(autoplot(h_f32(), "a"), "arg"),
    "type = NA" = hc(autoplot(h_f32(), type = NA), "arg"),
    "type of length 2" = hc(autoplot(h_f32(), type = c("line", "hist")), "arg"),
    "bins = 0" = hc(autoplot(h_f32(), type = "hist", bins = 0), "arg"),
    "bins = NA" = hc(autoplot(h_f32(), type = "hist", bins = NA), "arg"),
    "bins = 1.5" = hc(autoplot(h_f32(), type = "hist", bins = 1.5), "arg"),
    "spec: bins = 3e9" = hc(autoplot(h_f32(), type = "hist", bins = 3e9), "arg"),
    "spec: bins = 1e10" = hc(autoplot(h_f32(), type = "hist", bins = 1e10), "arg"),
    "spec: max_images = 1e10" = hc(autoplot(h_f32(), max_images = 1e10), "arg"),
    "max_points = -1" = hc(autoplot(h_f32(), max_points = -1), "arg"),
    "max_points = Inf" = hc(autoplot(h_f32(), max_points = Inf), "arg"),
    "an unknown argument" = hc(autoplot(h_f32(), foo = 1), "arg"),
    "extra unnamed arguments" = hc(autoplot(h_f32(), "line", 2), "arg"),
    "0-d" = hc(autoplot(h_0d()), "plot"),
    "empty" = hc(autoplot(h_empty()), "plot"),
    "complex" = hc(autoplot(h_cplx()), "plot"),
    "5-D" = hc(autoplot(h_torch()$zeros(1L, 1L, 1L, 1L, 1L)), "plot"),
    "3-D with 2 channels" = hc(autoplot(h_torch()$zeros(2L, 3L, 3L)), "plot"),
    "image values outside [0, 255]" = hc(autoplot(as_torch(array(300, c(3, 2, 2)))), "plot"),
    "type = 'image' on 1-D" = hc(autoplot(h_f32(), type = "image"), "plot"),
    "type = 'heatmap' on 3-D" = hc(autoplot(as_torch(array(0.5, c(3, 2, 2))), type = "heatmap"), "plot"),
    "type = 'line' on 2-D" = hc(autoplot(h_mat(), type = "line"), "plot"),
    "hist of only NaN" = hc(autoplot(as_torch(c(NaN, NaN)), type = "hist"), "plot"),
    "hist of only +-Inf" = hc(autoplot(as_torch(c(-Inf, Inf)), type = "hist"), "plot"),
    "hist with one Inf" = hc(is_plot(autoplot(as_torch(c(Inf, 1)), type = "hist")), value = TRUE),
    "hist of constant values" = hc(is_plot(autoplot(as_torch(c(5, 5, 5)), type = "hist")), value = TRUE),
    "hist with bins = 1" = hc(is_plot(autoplot(h_f32(), type = "hist", bins = 1)), value = TRUE),
    "line of bool" = hc(is_plot(autoplot(h_bool())), value = TRUE),
    "line with NaN" = hc(is_plot(autoplot(as_torch(c(NaN, 1, 2)))), value = TRUE),
    "line of uint64" = hc(is_plot(autoplot(as_torch(1:3, dtype = "uint64"))), value = TRUE),
    "line of a tensor that requires grad" = hc(is_plot(autoplot(as_torch(c(1, 2))$requires_grad_(TRUE))), value = TRUE)
  ))
})

# ---- cases that may crash R: child processes ----------------------------------

test_that("R objects that lie about themselves (child processes)", {
  skip_if_no_torch()
  skip_if_not_installed("callr")
  run_hostile_batch("lying R objects", setup = hostile_setup, timeout = 90, cases = list(
    "spec: data frame whose row.names claim 6 rows for 2 values" =
      hc(as_torch(lying_df(list(a = c(1, 2)), c(NA, -6L))), check = error_matching("type", "\\ba\\b")),
    "spec: data frame whose row.names claim 2e8 rows" =
      hc(as_torch(lying_df(list(a = c(1, 2)), c(NA, -200000000L))), "type"),
    "spec: data frame whose row.names claim 3 rows for numeric(0)" =
      hc(as_torch(lying_df(list(a = numeric(0)), c(NA, -3L))), "type"),
    "spec: data frame whose row.names claim 2 rows for 4 values" =
      hc(as_torch(lying_df(list(a = c(1, 2, 3, 4)), c(NA, -2L))), "type"),
    "spec: data frame with columns of different lengths" =
      hc(as_torch(lying_df(list(a = c(1, 2), b = as.double(1:8)), c(NA, -2L))), "type"),
    "spec: data frame without row.names but with 3 values" =
      hc(as_torch(structure(list(a = c(1, 2, 3)), class = "data.frame")), "type"),
    "spec: integer64 class on integers" = hc(as_torch(fake_i64(1:3)), "type"),
    "spec: integer64 class on raw" = hc(as_torch(fake_i64(as.raw(1:3))), "type"),
    "spec: integer64 class on character" = hc(as_torch(fake_i64(c("a", "b"))), "type"),
    "spec: integer64 class on a list" = hc(as_torch(fake_i64(list(1, 2))), "type"),
    "spec: integer64 class on logicals" = hc(as_torch(fake_i64(c(TRUE, FALSE))), "type"),
    "spec: integer64 class on integers, in a data frame" =
      hc(as_torch(lying_df(list(a = fake_i64(1:3)), c(NA, -3L))), "type"),
    "spec: t + fake integer64" = hc(as_torch(c(1, 2, 3)) + fake_i64(1:3), "type"),
    "spec: fake integer64 + t" = hc(fake_i64(1:3) + as_torch(c(1, 2, 3)), "type"),
    "spec: sum(t, fake integer64)" = hc(sum(as_torch(c(1, 2, 3)), fake_i64(1:3)), "type"),
    "spec: t[1:3] <- fake integer64" = hc({ t <- as_torch(c(1, 2, 3)); t[1:3] <- fake_i64(1:3); t }, "type"),
    "spec: t[fake integer64]" = hc(as_torch(c(1, 2, 3))[fake_i64(1:2)], "index"),
    "spec: t %@% fake integer64" = hc(as_torch(c(1, 2, 3)) %@% fake_i64(1:3), "type"),
    "spec: t + fake integer64 on raw" = hc(as_torch(c(1, 2, 3)) + fake_i64(as.raw(1:3)), "type"),
    "a length() method that lies (AsIs)" =
      hc(with_method("length.AsIs", function(x) 1e7, as_torch(I(c(1, 2, 3)))), check = error_or_value(c(1, 2, 3))),
    "a length() method that lies (AsIs, float64)" =
      hc(with_method("length.AsIs", function(x) 1e7, as_torch(I(c(1, 2, 3)), dtype = "float64")),
         check = error_or_value(c(1, 2, 3))),
    "a length() method that lies (integer64)" =
      hc(with_method("length.integer64", function(x) 1e6, as_torch(bit64::as.integer64(1:3))),
         check = error_or_value(1:3)),
    "a dim() method that lies (AsIs)" =
      hc(with_method("dim.AsIs", function(x) c(1000L, 1000L), as_torch(I(c(1, 2, 3)))),
         check = error_or_value(c(1, 2, 3))),
    "a dim() method that lies (table)" =
      hc(with_method("dim.table", function(x) c(100L, 100L), as_torch(table(c(1, 1, 2)))),
         check = error_or_value(c(2L, 1L))),
    "a length() method that lies, AsIs index" =
      hc(with_method("length.AsIs", function(x) 1e7, as_torch(c(1, 2, 3))[I(c(1, 2))]), value = c(1, 2))
  ))
})

test_that("tensors with freed, shrunk, expanded or huge storage (child processes)", {
  skip_if_no_torch()
  skip_if_not_installed("callr")
  run_hostile_batch("tensor storage", setup = hostile_setup, timeout = 90, cases = list(
    "spec: from_torch() of shrunk storage" = hc(from_torch(h_shrunk()), "unsupported_tensor"),
    "spec: print() of shrunk storage says why, reads nothing" = hc(
      any(grepl("lie outside its memory", utils::capture.output(print(h_shrunk())), fixed = TRUE)), value = TRUE
    ),
    "spec: shrunk storage + 1" = hc(h_shrunk() + 1, "unsupported_tensor"),
    "spec: shrunk storage [1]" = hc(h_shrunk()[1], "unsupported_tensor"),
    "spec: sum() of shrunk storage" = hc(sum(h_shrunk()), "unsupported_tensor"),
    "shrunk storage [1] <- 0" = hc({ b <- h_shrunk(); b[1] <- 0; "written" }, "unsupported_tensor"),
    "exp() of shrunk storage" = hc(exp(h_shrunk()), "unsupported_tensor"),
    "tensor_data() of shrunk storage" = hc(tensor_data(h_shrunk()), "unsupported_tensor"),
    "as_torch(shrunk storage, dtype = 'float32')" = hc(as_torch(h_shrunk(), dtype = "float32"), "unsupported_tensor"),
    "spec: [<- into an expanded tensor" = hc({
      t <- as_torch(c(1, 2, 3))$reshape(list(1L, 3L))$expand(list(3L, 3L)); t[1] <- 0; t
    }, "unsupported_tensor"),
    "spec: [<- into an overlapping view" = hc({
      t <- h_torch()$zeros(3L)$as_strided(list(2L, 2L), list(1L, 1L)); t[1] <- 5; t
    }, "unsupported_tensor"),
    "spec: [<- into a strided view without overlap works" = hc({
      t <- h_torch()$zeros(4L); v <- t$as_strided(list(2L, 2L), list(2L, 1L)); v[1, 1] <- 5; t
    }, value = c(5, 0, 0, 0)),
    "spec: from_torch() of a 2^40-element expanded tensor" =
      hc(from_torch(h_big()), check = error_matching("size", "GB")),
    "spec: out of memory in big + 1" = hc(h_big() + 1, "torch"),
    "spec: out of memory in exp(big)" = hc(exp(h_big()), "torch"),
    "spec: out of memory in %@%" = hc({
      m <- h_torch()$zeros(1L, 1L)$expand(list(pe("2**20"), pe("2**20"))); m %@% m
    }, "torch"),
    "spec: from_torch() of a 200-level nested list" =
      hc(from_torch(pe("__import__('functools').reduce(lambda a, _: [a], range(200), 1)")), "size"),
    "from_torch() of a 5000-level nested list" =
      hc(from_torch(pe("__import__('functools').reduce(lambda a, _: [a], range(5000), 1)")), "size"),
    "spec: from_torch() of a list that contains itself" =
      hc(from_torch(reticulate::py_run_string("l = [1]; l.append(l)", convert = FALSE)$l), "size"),
    "from_torch() of a list of floats that contains itself" =
      hc(from_torch(reticulate::py_run_string("f = [0.5, 1.5]; f.append(f)", convert = FALSE)$f), "size"),
    "from_torch() of a dict that contains itself" =
      hc(from_torch(reticulate::py_run_string("d = {}; d['a'] = d", convert = FALSE)$d), "size")
  ))
})

test_that("memory kept alive and GC pressure (child processes)", {
  skip_if_no_torch()
  skip_if_not_installed("callr")
  run_hostile_batch("memory", setup = hostile_setup, timeout = 120, cases = list(
    "spec: t[I(2:3)] under gctorture" = hc({
      t <- as_torch(c(10, 20, 30))
      gctorture(TRUE)
      r <- tryCatch(t[I(2:3)], finally = gctorture(FALSE))
      r
    }, value = c(20, 30)),
    "spec: t[I(logical)] <- 0 under gctorture" = hc({
      t <- as_torch(c(10, 20, 30))
      gctorture(TRUE)
      tryCatch(t[I(c(TRUE, FALSE, TRUE))] <- 0, finally = gctorture(FALSE))
      t
    }, value = c(0, 20, 0)),
    "spec: keep-alive tokens from 2^31 - 5 never repeat" = hc({
      e <- torchbridge:::.tb
      h_flush()
      e$next_token <- 2^31 - 5
      n0 <- length(ls(e$shared))
      ts <- lapply(1:10, function(i) as_torch(c(i, i + 0.5), dtype = "float64", copy = FALSE))
      list(length(ls(e$shared)) - n0, vapply(ts, function(t) from_torch(t)[2], 1))
    }, value = list(10L, 1:10 + 0.5)),
    "keep-alive tokens from integer 2^31 - 5 never repeat" = hc({
      e <- torchbridge:::.tb
      h_flush()
      e$next_token <- 2147483643L
      n0 <- length(ls(e$shared))
      ts <- lapply(1:10, function(i) as_torch(c(i, i + 0.5), dtype = "float64", copy = FALSE))
      list(length(ls(e$shared)) - n0, vapply(ts, function(t) from_torch(t)[2], 1))
    }, value = list(10L, 1:10 + 0.5)),
    "spec: a failed copy = FALSE leaves no token behind" = hc({
      e <- torchbridge:::.tb
      h_flush()
      n0 <- length(ls(e$shared))
      r <- tryCatch(as_torch(c(1L, NA), dtype = "int32", copy = FALSE), torchbridge_error_na = function(e) "na")
      h_flush()
      list(r, length(ls(e$shared)) - n0)
    }, value = list("na", 0L)),
    "spec: a failed t[10] does not keep t alive" = hc({
      t <- as_torch(c(1, 2, 3))
      w <- reticulate::import("weakref", convert = FALSE)$ref(t)
      r <- tryCatch(t[10], torchbridge_error_index = function(e) "index")
      rm(t)
      h_flush()
      list(r, is.null(reticulate::py_to_r(reticulate::py_call(w))))
    }, value = list("index", TRUE)),
    "spec: a failed cast does not keep the tensor alive" = hc({
      t <- as_torch(c(1.5, 2))
      w <- reticulate::import("weakref", convert = FALSE)$ref(t)
      r <- tryCatch(as_torch(t, dtype = "int64"), torchbridge_error_dtype = function(e) "dtype")
      rm(t)
      h_flush()
      list(r, is.null(reticulate::py_to_r(reticulate::py_call(w))))
    }, value = list("dtype", TRUE)),
    "copy = FALSE keeps R's vector alive after rm() and gc()" = hc({
      t <- local({
        x <- c(1.5, 2.5, 3.5)
        as_torch(x, dtype = "float64", copy = FALSE)
      })
      h_flush()
      junk <- lapply(1:2000, function(i) rnorm(50))
      h_flush()
      from_torch(t)
    }, value = c(1.5, 2.5, 3.5))
  ))
})
