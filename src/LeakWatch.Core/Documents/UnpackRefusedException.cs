namespace LeakWatch.Core.Documents;

/// <summary>A guarded stream was stopped. The message says why and holds no content.</summary>
public sealed class UnpackRefusedException : IOException
{
    public UnpackRefusedException()
    {
    }

    public UnpackRefusedException(string message)
        : base(message)
    {
    }

    public UnpackRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    internal UnpackRefusedException(GuardedStream guard, string reason)
        : base(reason)
    {
        Guard = guard;
    }

    /// <summary>The stream that refused: the layer that owns it handles the refusal, the others let it pass.</summary>
    internal GuardedStream? Guard { get; }

    /// <summary>Finds a refusal in an exception or its inner exceptions (archive readers wrap what streams throw).</summary>
    public static UnpackRefusedException? Find(Exception? ex)
    {
        for (var depth = 0; ex is not null && depth < 16; depth++, ex = ex.InnerException)
        {
            if (ex is UnpackRefusedException refused) return refused;
        }

        return null;
    }
}
