package io.paperalerts.relevance;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one reader wants more and less of, learnt from their clicks: L2-regularised logistic
 * regression (LIBLINEAR) over the papers' TF-IDF vectors. "More like this" papers are the
 * positives; "less like this" papers and the papers they were shown and passed over are the
 * negatives, as arxiv-sanity trains each user's SVM against every paper they did not tag. The two
 * classes weigh the same in all (a reader likes few papers of many).
 *
 * <p>The model keeps a weight only for terms of the papers it learnt from (LIBLINEAR gives the
 * others none), so its size grows with the reader's clicks, not with the vocabulary. With only
 * one kind of example there is nothing to tell apart: the score is then the similarity to the
 * closest liked paper (or minus that to the closest disliked one).
 */
public final class ReaderModel {

    /** One click. */
    public enum Judgement {
        MORE,
        LESS
    }

    /** A paper a reader clicked on, as the model learns from it and names it in reasons. */
    public record Judged(String paperId, String title, TermVector text, Judgement judgement) {}

    /** A reader who has not clicked: every paper scores 0, and keyword order stays. */
    public static final ReaderModel NONE = new ReaderModel(new int[0], new double[0], 0, List.of(), List.of());

    /** LIBLINEAR's cost of errors against the size of the weights; see docs/benchmarks.md (ranking) for the choice. */
    public static final double DEFAULT_COST = 10;

    private static final double TOLERANCE = 0.01;

    /**
     * Papers passed over that a model learns from, the latest: they sharpen the ranking (nDCG@10
     * 0.70 against 0.61 with clicks alone, docs/benchmarks.md), but training time grows with them,
     * and a click's update has 50 ms.
     */
    public static final int MAX_PASSED_OVER = 500;

    static {
        // LIBLINEAR prints each solver iteration to stdout unless told not to (one switch for the JVM).
        Linear.disableDebugOutput();
    }

    private final int[] terms;
    private final double[] weights;
    private final double bias;
    private final List<Judged> liked;
    private final List<Judged> disliked;

    private ReaderModel(int[] terms, double[] weights, double bias, List<Judged> liked, List<Judged> disliked) {
        this.terms = terms;
        this.weights = weights;
        this.bias = bias;
        this.liked = liked;
        this.disliked = disliked;
    }

    public static ReaderModel learn(List<Judged> judged, List<TermVector> passedOver) {
        return learn(judged, passedOver, DEFAULT_COST);
    }

    /**
     * @param judged the reader's clicks, the latest per paper
     * @param passedOver papers the reader was shown and did not click on, oldest first; the
     *     latest {@link #MAX_PASSED_OVER} count
     * @param cost LIBLINEAR's {@code C}
     */
    public static ReaderModel learn(List<Judged> judged, List<TermVector> passedOver, double cost) {
        List<Judged> liked =
                judged.stream().filter(j -> j.judgement() == Judgement.MORE).toList();
        List<Judged> disliked =
                judged.stream().filter(j -> j.judgement() == Judgement.LESS).toList();
        List<TermVector> negatives = new ArrayList<>();
        disliked.forEach(j -> negatives.add(j.text()));
        negatives.addAll(passedOver.subList(Math.max(0, passedOver.size() - MAX_PASSED_OVER), passedOver.size()));
        if (liked.isEmpty() || negatives.isEmpty()) {
            return new ReaderModel(new int[0], new double[0], 0, liked, disliked);
        }
        List<TermVector> examples = new ArrayList<>();
        liked.forEach(j -> examples.add(j.text()));
        examples.addAll(negatives);
        // Dense feature numbers 1..k for the k terms of the examples, in term order; k + 1 is the bias.
        int[] terms = distinctTerms(examples);
        FeatureNumbers numbers = new FeatureNumbers(terms);
        Problem problem = new Problem();
        problem.l = examples.size();
        problem.n = terms.length + 1;
        problem.bias = -1;
        problem.x = new Feature[examples.size()][];
        problem.y = new double[examples.size()];
        for (int e = 0; e < examples.size(); e++) {
            TermVector v = examples.get(e);
            Feature[] x = new Feature[v.size() + 1];
            for (int i = 0; i < v.size(); i++) {
                x[i] = new FeatureNode(numbers.of(v.term(i)), v.weight(i));
            }
            x[v.size()] = new FeatureNode(terms.length + 1, 1);
            problem.x[e] = x;
            problem.y[e] = e < liked.size() ? 1 : -1;
        }
        Parameter parameter = new Parameter(SolverType.L2R_LR, cost, TOLERANCE);
        parameter.setWeights(new double[] {(double) negatives.size() / liked.size(), 1}, new int[] {1, -1});
        Model model = Linear.train(problem, parameter);
        double[] w = model.getFeatureWeights();
        // The decision value is positive for the model's first label.
        double sign = model.getLabels()[0] == 1 ? 1 : -1;
        double[] weights = new double[terms.length];
        for (int i = 0; i < terms.length; i++) {
            weights[i] = sign * w[i];
        }
        return new ReaderModel(terms, weights, sign * w[terms.length], liked, disliked);
    }

    /** Higher for papers more like those liked; 0 for every paper before the first click. */
    public double score(TermVector paper) {
        if (terms.length == 0) {
            if (!liked.isEmpty()) {
                return closest(liked, paper).map(c -> c.similarity).orElse(0.0);
            }
            return -closest(disliked, paper).map(c -> c.similarity).orElse(0.0);
        }
        return bias + TermVector.dot(terms, weights, paper);
    }

    /** The liked paper most like this one, for the reason a digest shows ("like ..."); none if nothing is alike. */
    public Optional<Judged> closestLiked(TermVector paper) {
        return closest(liked, paper).map(c -> c.paper);
    }

    /** How alike the paper is to the closest paper the reader liked: 0 if to none. */
    public double likedSimilarity(TermVector paper) {
        return closest(liked, paper).map(c -> c.similarity).orElse(0.0);
    }

    /** How alike the paper is to the closest paper the reader wanted less of: 0 if to none. */
    public double dislikedSimilarity(TermVector paper) {
        return closest(disliked, paper).map(c -> c.similarity).orElse(0.0);
    }

    /** Papers the reader wanted less of. */
    public int dislikes() {
        return disliked.size();
    }

    public boolean learnt() {
        return !liked.isEmpty() || !disliked.isEmpty();
    }

    /**
     * The same model keeping only the {@code maxTerms} terms of largest weight (in absolute value):
     * what a reader's model costs to keep and read grows with the papers it learnt from (~20,000
     * terms with 500 papers passed over), most of them with weights near 0.
     */
    public ReaderModel pruned(int maxTerms) {
        if (terms.length <= maxTerms) {
            return this;
        }
        // The weight a kept term reaches at least; terms at that weight are kept in term order
        // until there are maxTerms.
        double[] magnitudes = new double[terms.length];
        for (int i = 0; i < terms.length; i++) {
            magnitudes[i] = Math.abs(weights[i]);
        }
        Arrays.sort(magnitudes);
        double least = magnitudes[terms.length - maxTerms];
        int above = 0;
        for (int i = 0; i < terms.length; i++) {
            if (Math.abs(weights[i]) > least) {
                above++;
            }
        }
        int atLeast = maxTerms - above;
        int[] kept = new int[maxTerms];
        int k = 0;
        for (int i = 0; i < terms.length; i++) {
            double magnitude = Math.abs(weights[i]);
            if (magnitude > least || (magnitude == least && atLeast-- > 0)) {
                kept[k++] = i;
            }
        }
        int[] keptTerms = new int[maxTerms];
        double[] keptWeights = new double[maxTerms];
        for (int i = 0; i < maxTerms; i++) {
            keptTerms[i] = terms[kept[i]];
            keptWeights[i] = weights[kept[i]];
        }
        return new ReaderModel(keptTerms, keptWeights, bias, liked, disliked);
    }

    /** A model kept elsewhere, as {@link #termIds}, {@link #termWeights}, {@link #bias} and {@link #judged} give it. */
    public static ReaderModel restore(int[] terms, double[] weights, double bias, List<Judged> judged) {
        // Scoring walks the terms beside a paper's, both ascending.
        TermCounts.requireAscending(terms, weights.length, "weight");
        return new ReaderModel(
                terms.clone(),
                weights.clone(),
                bias,
                judged.stream().filter(j -> j.judgement() == Judgement.MORE).toList(),
                judged.stream().filter(j -> j.judgement() == Judgement.LESS).toList());
    }

    /** The terms the model weighs, ascending. */
    public int[] termIds() {
        return terms.clone();
    }

    /** The weight of each of {@link #termIds}. */
    public double[] termWeights() {
        return weights.clone();
    }

    public double bias() {
        return bias;
    }

    /** The papers the reader judged, liked ones first. */
    public List<Judged> judged() {
        List<Judged> all = new ArrayList<>(liked);
        all.addAll(disliked);
        return all;
    }

    /** Terms the model weighs: its size. */
    public int terms() {
        return terms.length;
    }

    /** The term ids of all the vectors, each once, ascending. */
    private static int[] distinctTerms(List<TermVector> vectors) {
        int total = 0;
        for (TermVector v : vectors) {
            total += v.size();
        }
        int[] all = new int[total];
        int k = 0;
        for (TermVector v : vectors) {
            for (int i = 0; i < v.size(); i++) {
                all[k++] = v.term(i);
            }
        }
        return TermCounts.ofOccurrences(all, total).sharedTerms();
    }

    /**
     * The feature number (1..k) of each of k term ids, by open addressing: a click's learning looks
     * up ~100,000 features, and a binary search over ~20,000 terms was a third of its time.
     */
    private static final class FeatureNumbers {
        private final int[] keys;
        /** 0 for an empty slot. */
        private final int[] numbers;

        private final int mask;

        FeatureNumbers(int[] terms) {
            int slots = Integer.highestOneBit(Math.max(1, terms.length * 2 - 1)) * 2;
            keys = new int[slots];
            numbers = new int[slots];
            mask = slots - 1;
            for (int i = 0; i < terms.length; i++) {
                int slot = slot(terms[i]);
                while (numbers[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = terms[i];
                numbers[slot] = i + 1;
            }
        }

        int of(int term) {
            for (int slot = slot(term); numbers[slot] != 0; slot = (slot + 1) & mask) {
                if (keys[slot] == term) {
                    return numbers[slot];
                }
            }
            throw new IllegalArgumentException("not a term of the examples: " + term);
        }

        private int slot(int term) {
            int h = term * 0x9E3779B9;
            return (h ^ (h >>> 16)) & mask;
        }
    }

    private record Closest(Judged paper, double similarity) {}

    private static Optional<Closest> closest(List<Judged> papers, TermVector paper) {
        Closest best = null;
        for (Judged judged : papers) {
            double similarity = judged.text().dot(paper);
            if (similarity > 0 && (best == null || similarity > best.similarity)) {
                best = new Closest(judged, similarity);
            }
        }
        return Optional.ofNullable(best);
    }
}
