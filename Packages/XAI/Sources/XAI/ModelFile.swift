import Kernel
import Learn

/// A trained explainer on disk: the classifier's parameters as safetensors, with its shape, its vocabulary and the
/// settings it was trained with in the metadata, so one file is enough to explain new posts.
public enum ModelFile {
    public static func save(
        _ c: AttentionClassifier, vocabulary: Vocabulary, settings: SRASettings, to path: String
    ) throws(FjordError) {
        var m = c.shape.metadata
        m["xai.vocabulary_words"] = vocabulary.text
        m["xai.settings"] = JSON.object(settings.json).serialized
        try Checkpoint.save(c.model, to: path, metadata: m)
    }

    public static func load(_ path: String) throws(FjordError) -> (AttentionClassifier, Vocabulary, JSON?) {
        let st = try Safetensors.read(path: path)
        let shape = try ClassifierShape(metadata: st.metadata, name: path)
        guard let words = st.metadata["xai.vocabulary_words"] else {
            throw .data("\(path): no vocabulary in the metadata")
        }
        let v = try Vocabulary.parse(words, name: path)
        guard v.count == shape.vocabulary else {
            throw .data("\(path): the vocabulary has \(v.count) words, the model \(shape.vocabulary)")
        }
        let c = AttentionClassifier(shape)
        _ = try Checkpoint.load(path, into: c.model)
        let settings = try st.metadata["xai.settings"].map { (s: String) throws(FjordError) in
            try JSON.parse(s, what: path)
        }
        return (c, v, settings)
    }
}
