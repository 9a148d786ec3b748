namespace LeakWatch.Service.Alerting;

/// <summary>Sends one alert to one channel, whatever its kind.</summary>
internal sealed class AlertSender(EmailAlertSender email, WebhookAlertSender webhook)
{
    public Task<DeliveryResult> SendAsync(AlertChannelOptions channel, AlertPayload alert, CancellationToken cancellationToken) =>
        channel.Kind == ChannelKind.Email
            ? email.SendAsync(channel, alert, cancellationToken)
            : webhook.SendAsync(channel, alert, cancellationToken);
}
