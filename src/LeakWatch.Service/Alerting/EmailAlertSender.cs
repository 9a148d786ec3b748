using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LeakWatch.Service.Alerting;

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
