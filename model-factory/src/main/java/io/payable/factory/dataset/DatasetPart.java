package io.payable.factory.dataset;

/**
 * A file of a built dataset and what it holds, as {@code dataset.json} sums them up.
 *
 * @param file the file's name in the dataset directory
 * @param sha256 hex SHA-256 of the file
 * @param split the split of a shard file; empty for {@code contributions.jsonl}
 * @param contributions contributions counted by this part (per split: see {@link
 *     TrainingShards#contributionParts})
 * @param sequences sequences in a shard's {@code .tokens} file
 * @param tokens tokens in a shard's {@code .tokens} file
 * @param excluded excluded contributions ({@code contributions.jsonl})
 */
public record DatasetPart(
    String file,
    String sha256,
    String split,
    long contributions,
    long sequences,
    long tokens,
    long excluded) {}
