/**
 * The event model: {@link dev.sluice.event.Event}, an immutable CloudEvents 1.0 event, and
 * {@link dev.sluice.event.Result}, what a processor answers.
 *
 * <pre>
 *   Event  ── id, source, type, specversion, subject?, time?, datacontenttype?, dataschema?,
 *             data (bytes), extensions (partitionkey = ordering key)
 *   Result ── eventId, status, data + content type, and for failures a code and a message
 * </pre>
 *
 * <p>{@link dev.sluice.event.CloudEventMapper} converts to and from the CloudEvents Java SDK, so
 * transports can use the SDK's protocol bindings.
 */
package dev.sluice.event;
