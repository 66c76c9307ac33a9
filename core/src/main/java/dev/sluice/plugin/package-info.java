/**
 * Plugin discovery: {@link dev.sluice.plugin.Plugins} finds every {@link
 * dev.sluice.spi.SluicePlugin} on the class path and in the plugins directory, where each jar or
 * folder gets its own class loader, and exposes what they bind by name.
 */
package dev.sluice.plugin;
