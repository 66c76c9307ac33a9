/**
 * Configuration: one YAML file ({@code conf/sluice.yaml}) bound to typed, validated objects.
 *
 * <p>{@link dev.sluice.config.SluiceConfig#load} reads the file, substitutes {@code ${ENV}} and
 * {@code ${ENV:-default}}, and checks every key against its declaration. All problems are
 * reported at once in one {@link dev.sluice.config.ConfigException}, each naming the key path,
 * the line, what was expected and, for a misspelt key, the key that was probably meant.
 * Sections that belong to a plugin (a transport's section, a processor's {@code settings}) are
 * handed over as {@link dev.sluice.config.Settings}, which report their problems the same way.
 */
package dev.sluice.config;
