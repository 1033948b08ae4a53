# What R data is accepted (r_data_type(), one rule for as_torch(), data
# frame columns, Ops operands and `[` indices), and the shared checks.

test_that("r_data_type() gives the R type of data torchbridge takes, NULL otherwise", {
  r_data_type <- torchbridge:::r_data_type
  expect_identical(r_data_type(1.5), "double")
  expect_identical(r_data_type(matrix(1:4, 2)), "integer")
  expect_identical(r_data_type(c(TRUE, NA)), "logical")
  expect_identical(r_data_type(1i), "complex")
  expect_identical(r_data_type(as.raw(1)), "raw")
  expect_identical(r_data_type(I(1:3)), "integer")
  expect_identical(r_data_type(table(c(1, 1, 2))), "integer")
  expect_identical(r_data_type(structure(0, class = "integer64")), "integer64")
  # lying or foreign classes, other types, S4
  expect_null(r_data_type(structure(1L, class = "integer64"))) # integer64 on integer storage
  expect_null(r_data_type(factor("a")))
  expect_null(r_data_type(Sys.Date()))
  expect_null(r_data_type(structure(1, class = c("mine", "AsIs"))))
  expect_null(r_data_type("a"))
  expect_null(r_data_type(list(1)))
  expect_null(r_data_type(NULL))
  s4 <- methods::setClass("TorchbridgeTestS4", contains = "numeric", where = globalenv())
  on.exit(methods::removeClass("TorchbridgeTestS4", where = globalenv()))
  expect_null(r_data_type(s4(1)))
  # each caller's narrower rule
  expect_null(r_data_type(1i, c("double", "integer", "logical")))
  expect_null(r_data_type(I(1), "double", "integer64"))
  expect_identical(r_data_type(I(1), "double", "AsIs"), "double")
  expect_null(r_data_type(structure(0, class = "integer64"), "double", "AsIs"))
})

test_that("each caller takes what r_data_type() says, and refuses the rest with its own error", {
  skip_if_no_torch()
  # as_torch(): integer64 on integer storage is a type error that says so
  err <- rlang::catch_cnd(as_torch(structure(1L, class = "integer64")))
  expect_tb_error(err, "type")
  expect_match(conditionMessage(err), "not stored as doubles", fixed = TRUE)
  # a data frame column of complex numbers, an Ops operand of raw bytes, a
  # complex index
  expect_tb_error(rlang::catch_cnd(as_torch(data.frame(a = 1i))), "type")
  expect_tb_error(rlang::catch_cnd(as_torch(1) + as.raw(1)), "type")
  expect_tb_error(rlang::catch_cnd(as_torch(1:3)[1i]), "index")
  expect_exact(from_torch(as_torch(c(10, 20, 30))[I(2L)]), 20)
})
