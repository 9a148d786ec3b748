namespace LeakWatch.Service.Alerting;

/// <summary>How the SMTP connection is protected. <see cref="None"/> is accepted for loopback servers only.</summary>
internal enum SmtpSecurity
{
    StartTls = 1,
    SslOnConnect,
    None,
}
