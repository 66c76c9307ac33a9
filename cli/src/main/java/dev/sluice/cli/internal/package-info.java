/**
 * The commands of {@code sluice} and the assembly of a server from its configuration; not API.
 */
package dev.sluice.cli.internal;
