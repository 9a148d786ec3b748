namespace LeakWatch.Service.Alerting;

/// <summary>What became of one delivery attempt. The error says what failed (a status, an exception type), never what was sent.</summary>
internal readonly record struct DeliveryResult(bool Ok, string? Error)
{
    public static DeliveryResult Success { get; } = new(true, null);

    public static DeliveryResult Failed(string error) => new(false, error.Length <= 300 ? error : error[..300]);

    public static DeliveryResult Failed(Exception exception) =>
        Failed(exception.GetType().Name + ": " + exception.Message.ReplaceLineEndings(" "));
}
