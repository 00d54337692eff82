package io.paperalerts.registration;

/**
 * One "more like this" or "less like this" on the manage page.
 *
 * @param opinion "More" or "Less", as the page's sentence starts
 * @param date the day it was said (UTC)
 */
public record ManagedOpinion(String paperId, String title, String opinion, String date) {}
