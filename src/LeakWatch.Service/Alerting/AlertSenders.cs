using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LeakWatch.Service.Alerting;

/// <summary>What became of one delivery attempt. The error says what failed (a status, an exception type), never what was sent.</summary>
internal readonly record struct DeliveryResult(bool Ok, string? Error)
{
    public static DeliveryResult Success { get; } = new(true, null);

    public static DeliveryResult Failed(string error) => new(false, error.Length <= 300 ? error : error[..300]);

    public static DeliveryResult Failed(Exception exception) =>
        Failed(exception.GetType().Name + ": " + exception.Message.ReplaceLineEndings(" "));
}

/// <summary>Sends one alert to one channel, whatever its kind.</summary>
internal sealed class AlertSender(EmailAlertSender email, WebhookAlertSender webhook)
{
    public Task<DeliveryResult> SendAsync(AlertChannelOptions channel, AlertPayload alert, CancellationToken cancellationToken) =>
        channel.Kind == ChannelKind.Email
            ? email.SendAsync(channel, alert, cancellationToken)
            : webhook.SendAsync(channel, alert, cancellationToken);
}

/// <summary>E-mail through MailKit: text and HTML bodies, Message-Id derived from the idempotency key.</summary>
internal sealed class EmailAlertSender(IOptions<AlertingOptions> options)
{
    public const string IdempotencyKeyHeader = "X-LeakWatch-Idempotency-Key";

    public async Task<DeliveryResult> SendAsync(AlertChannelOptions channel, AlertPayload alert, CancellationToken cancellationToken)
    {
        try
        {
            using var message = Compose(channel, alert);
            using var client = new SmtpClient { Timeout = (int)options.Value.SendTimeout.TotalMilliseconds };
            await client.ConnectAsync(channel.SmtpHost ?? "", channel.SmtpPort, Security(channel.SmtpSecurity), cancellationToken);
            if (!string.IsNullOrWhiteSpace(channel.Username))
            {
                var password = ChannelSecrets.Password(channel)
                    ?? throw new InvalidOperationException("The SMTP password file or environment variable is empty.");
                await client.AuthenticateAsync(channel.Username, password.Value, cancellationToken);
            }
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return DeliveryResult.Success;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed(ex);
        }
    }

    public static MimeMessage Compose(AlertChannelOptions channel, AlertPayload alert)
    {
        var message = new MimeMessage
        {
            Subject = AlertText.Title(alert),
            MessageId = IdempotencyKeys.MessageId(alert.IdempotencyKey),
            Date = alert.CreatedAt,
        };
        message.From.Add(MailboxAddress.Parse(channel.From ?? ""));
        foreach (var to in channel.To) message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add(IdempotencyKeyHeader, alert.IdempotencyKey);
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = AlertText.Plain(alert), HtmlBody = AlertText.Html(alert) }.ToMessageBody();
        return message;
    }

    private static SecureSocketOptions Security(SmtpSecurity security) => security switch
    {
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };
}

/// <summary>
/// Generic JSON webhooks (signed), Slack and Teams, through the named HTTP client. Anything but a 2xx is a failure to
/// retry later; redirects are not followed, so an alert goes only where it was configured to go.
/// </summary>
internal sealed class WebhookAlertSender(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string HttpClientName = "LeakWatch.Alerting";

    public async Task<DeliveryResult> SendAsync(AlertChannelOptions channel, AlertPayload alert, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Compose(channel, alert, time.GetUtcNow());
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode
                ? DeliveryResult.Success
                : DeliveryResult.Failed(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
        }
        catch (HttpRequestException ex)
        {
            return DeliveryResult.Failed(string.Create(CultureInfo.InvariantCulture, $"HttpRequestException: {ex.HttpRequestError}"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed("Timed out");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Failed(ex);
        }
    }

    public static HttpRequestMessage Compose(AlertChannelOptions channel, AlertPayload alert, DateTimeOffset now)
    {
        var body = Encoding.UTF8.GetBytes(channel.Kind switch
        {
            ChannelKind.Slack => ChatMessages.Slack(alert),
            ChannelKind.Teams => ChatMessages.Teams(alert),
            _ => alert.ToJson(),
        });
        var request = new HttpRequestMessage(HttpMethod.Post, ChannelSecrets.EndpointUrl(channel))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.IdempotencyKeyHeader, alert.IdempotencyKey);
        if (channel.Kind == ChannelKind.Webhook)
        {
            var secret = ChannelSecrets.SigningSecret(channel)
                ?? throw new InvalidOperationException("The webhook signing secret file or environment variable is empty.");
            var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(secret, timestamp, body));
        }
        return request;
    }
}
