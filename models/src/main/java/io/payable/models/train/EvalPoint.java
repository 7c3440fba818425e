package io.payable.models.train;

/** The eval loss (mean over the eval split's target tokens) after an optimizer step. */
public record EvalPoint(int step, double loss) {}
