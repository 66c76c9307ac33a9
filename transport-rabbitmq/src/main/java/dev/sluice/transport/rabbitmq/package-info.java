/**
 * The RabbitMQ transport ({@code transport.type: rabbitmq}), on the RabbitMQ Java client.
 *
 * <p>Servers ({@link dev.sluice.transport.rabbitmq.RabbitMqSource}) consume one durable queue as
 * competing consumers, acknowledge a message once its reply is published, and send final
 * failures and malformed messages to a dead-letter exchange with the error in headers. Clients
 * send requests with Direct Reply-to and publisher confirms. Events travel as the CloudEvents
 * AMQP binding describes, in binary mode ({@link dev.sluice.transport.rabbitmq.RabbitMqHeaders});
 * structured JSON is accepted too. Settings: {@link dev.sluice.transport.rabbitmq.RabbitMqSettings}.
 * The wire format, for clients in other languages, is in {@code docs/transports.md}.
 */
package dev.sluice.transport.rabbitmq;
