library(testthat)
library(torchbridge)

test_check("torchbridge")
