import NetCost

// The switches from operations to kernels: which kernel a layer runs, which convolution
// geometry it needs, how a view is made. They are exhaustive on purpose: a new operation
// does not compile until it has a kernel here. Everything else asks the op's traits.

extension PreparedGraph {
    /// Runs layer `index`'s kernel on dense `inputs` into `output`. Views, inputs and
    /// constants are the runner's business and do nothing here. Kernels written for one
    /// sample's `[C, H, W]` run once per entry of axis 0 (`runsPerSample`).
    func execute<P: Probe>(_ index: Int, inputs: [Tensor], output: Tensor, path: KernelPath, probe: inout P) {
        guard Self.runsPerSample(graph.layers[index].operation), let batch = inputs.first?.dims.first,
              inputs.allSatisfy({ $0.dims.first == batch }), output.dims.first == batch else {
            executeWhole(index, inputs: inputs, output: output, path: path, probe: &probe)
            return
        }
        for sample in 0..<batch {
            let sampleInputs = inputs.map { $0.sample(sample) }, sampleOutput = output.sample(sample)
            var sampleProbe = SampleProbe(inner: probe, inputOffsets: zip(sampleInputs, inputs).map { $0.offset - $1.offset },
                                          outputOffset: sampleOutput.offset - output.offset)
            executeWhole(index, inputs: sampleInputs, output: sampleOutput, path: path, probe: &sampleProbe)
            probe = sampleProbe.inner
        }
    }

    /// Ops whose kernels take one sample (`[C, H, W]`, or `[C, …]` for the norms that
    /// keep per-channel statistics): the runner hands them `[N, C, …]` a sample at a time.
    static func runsPerSample(_ operation: Operation) -> Bool {
        switch operation {
        case .convolution, .transposedConvolution, .transposedConvolutionND, .convolutionND, .pooling, .poolingND, .globalPooling, .adaptivePooling,
             .channelShuffle, .upsample, .fold:
            true
        case .normalization(let norm):
            switch norm.method {
            case .batch, .group: true
            // Layer norm works on the whole tensor; a dynamic batch norm's statistics are
            // inputs of their own shape, shared by every sample.
            case .layer, .dynamicBatch: false
            }
        case .fused(let fused):
            runsPerSample(fused.base)
        case .input, .constant, .unsupported, .linear, .matmul, .einsum, .lstm, .activation, .softmax, .reduction, .elementwise, .select,
             .cumulativeSum, .repeating, .take, .embedding, .gather, .gatherND, .scatterND, .elementIndexing, .concat, .slice, .reshape, .transpose, .identity, .pad,
             .dynamicConvolution:
            // A dynamic convolution's weight is shared by every sample: its kernel loops over them.
            false
        }
    }

    private func executeWhole<P: Probe>(_ index: Int, inputs: [Tensor], output: Tensor, path: KernelPath, probe: inout P) {
        let layer = graph.layers[index]
        switch layer.operation {
        case .input, .constant, .slice, .reshape, .identity, .unsupported:
            return
        case .convolution, .transposedConvolution, .transposedConvolutionND, .convolutionND, .linear:
            weighted(index, layer.operation, activations: [], inputs: inputs, output: output, path: path, probe: &probe)
        case .fused(let fused):
            weighted(index, fused.base, activations: fused.activations.map(\.function), inputs: inputs, output: output, path: path, probe: &probe)
        case .dynamicConvolution(let conv):
            let bias = parameters[index].pointer(.bias).map { UnsafePointer($0) }
            DynamicConvolutionKernel.run(conv, input: inputs[0], weight: inputs[1], shapes: layer.inputs.map { graph.layers[$0].outputShape },
                                         outputShape: layer.outputShape, bias: bias, biasSlot: parameters[index].slot(.bias) ?? 0,
                                         output: output, direct: P.isCounting || path == .reference, scratch: scratch, kernels: kernels,
                                         probe: &probe)
        case .lstm(let lstm):
            LSTMKernel.run(lstm, inputs: inputs, parameters: parameters[index], output: output, probe: &probe)
        case .matmul:
            MatMulKernel.run(left: inputs[0], right: inputs[1], output: output, kernels: kernels, probe: &probe)
        case .einsum(let einsum):
            EinsumKernel.run(einsum, inputs: inputs, output: output, probe: &probe)
        case .normalization(let norm):
            NormalizationKernel.run(norm, inputs: inputs, parameters: parameters[index], output: output, probe: &probe)
        case .activation(let activation):
            ActivationKernel.run(activation.function, input: inputs[0], output: output, kernels: kernels, probe: &probe)
        case .softmax(let softmax):
            SoftmaxKernel.run(axis: softmax.axis, input: inputs[0], output: output, probe: &probe)
        case .pooling(let pooling) where !P.isCounting && path == .fast:
            PoolingKernel.fast(pooling, inputShape: graph.layers[layer.inputs[0]].outputShape, input: inputs[0], output: output)
        case .pooling(let pooling):
            PoolingKernel.run(pooling, inputShape: graph.layers[layer.inputs[0]].outputShape, input: inputs[0], output: output, probe: &probe)
        case .poolingND(let pooling):
            PoolingNDKernel.run(pooling, input: inputs[0], output: output, probe: &probe)
        case .globalPooling(let pooling):
            PoolingKernel.global(pooling.mode, input: inputs[0], output: output, probe: &probe)
        case .adaptivePooling(let pooling):
            PoolingKernel.adaptive(pooling.mode, input: inputs[0], output: output, probe: &probe)
        case .reduction(let reduction):
            ReductionKernel.run(reduction, input: inputs[0], output: output, probe: &probe)
        case .elementwise(let elementwise):
            ElementwiseKernel.run(elementwise.op, inputs: inputs, output: output, probe: &probe)
        case .select:
            BroadcastKernel.select(inputs: inputs, output: output, probe: &probe)
        case .cumulativeSum(let op):
            BroadcastKernel.cumulativeSum(op, input: inputs[0], output: output, probe: &probe)
        case .repeating(let op):
            BroadcastKernel.repeating(op.mode, input: inputs[0], output: output, probe: &probe)
        case .take(let op):
            BroadcastKernel.take(op, input: inputs[0], output: output, probe: &probe)
        case .embedding(let op):
            EmbeddingKernel.run(op, indices: inputs[0], table: parameters[index], output: output, probe: &probe)
        case .gather(let op):
            IndexingKernel.gather(op, data: inputs[0], indices: inputs[1], output: output, probe: &probe)
        case .gatherND(let op):
            IndexingKernel.gatherND(op, data: inputs[0], indices: inputs[1], output: output, probe: &probe)
        case .scatterND(let op):
            IndexingKernel.scatterND(op, data: inputs[0], indices: inputs[1], updates: inputs[2], output: output, probe: &probe)
        case .elementIndexing(let op):
            IndexingKernel.elements(op, inputs: inputs, output: output, probe: &probe)
        case .concat(let concat):
            CopyKernel.concat(axis: concat.axis, inputs: inputs, output: output, probe: &probe)
        case .channelShuffle(let shuffle):
            CopyKernel.channelShuffle(groups: shuffle.groups, input: inputs[0], output: output, probe: &probe)
        case .transpose(let transpose):
            CopyKernel.transpose(permutation: transpose.permutation, input: inputs[0], output: output, probe: &probe)
        case .upsample(let upsample):
            UpsampleKernel.run(upsample, input: inputs[0], output: output, probe: &probe)
        case .pad(let pad):
            CopyKernel.pad(pad, input: inputs[0], output: output, probe: &probe)
        case .fold(let fold):
            FoldKernel.run(fold, input: inputs[0], output: output, probe: &probe)
        }
    }

    /// Runs a merged pair from the first layer's input (and, for a residual, the add's
    /// other operand) straight into the second layer's output, a sample at a time.
    func executeMerged(_ pair: MergedPair, input: Tensor, residual: Tensor?, output: Tensor) {
        guard let batch = input.dims.first, output.dims.first == batch else { return }
        for sample in 0..<batch {
            executeMergedSample(pair, input: input.sample(sample), residual: residual?.sample(sample), output: output.sample(sample))
        }
    }

    private func executeMergedSample(_ pair: MergedPair, input: Tensor, residual: Tensor?, output: Tensor) {
        guard let geometry = geometries[pair.first] else { return }
        var first = epilogue(pair.first)
        switch pair.kind {
        case .pointwiseDepthwise:
            guard let depthwise = geometries[pair.second], let weight = parameters[pair.second].pointer(.weight),
                  let packed = packed[pair.first].first else { return }
            PointwiseDepthwise.run(bandBytes: bandBytes, pointwise: geometry, packed: packed, pointwiseEpilogue: first,
                                   depthwise: depthwise, weight: weight, depthwiseEpilogue: epilogue(pair.second),
                                   input: input.pointer, output: output.pointer, scratch: scratch, kernels: kernels)
        case .residual:
            first.residual = residual.map { UnsafePointer($0.pointer) }
            FastConvolution.run(geometry, input: input.pointer, packed: packed[pair.first], epilogue: first, output: output.pointer,
                                scratch: scratch, kernels: kernels)
        }
    }

    /// A convolution layer's bias and fused activations.
    private func epilogue(_ index: Int) -> Epilogue {
        let activations: [Activation.Function]
        if case .fused(let fused) = graph.layers[index].operation { activations = fused.activations.map(\.function) } else { activations = [] }
        return Epilogue(bias: parameters[index].pointer(.bias).map { UnsafePointer($0) }, activations: activations)
    }

    /// Convolutions and linear layers, alone or fused with their activations.
    private func weighted<P: Probe>(_ index: Int, _ operation: Operation, activations: [Activation.Function],
                                    inputs: [Tensor], output: Tensor, path: KernelPath, probe: inout P) {
        let layerParameters = parameters[index]
        guard let weight = layerParameters.pointer(.weight), let weightSlot = layerParameters.slot(.weight) else { return }
        let bias = layerParameters.pointer(.bias).map { UnsafePointer($0) }
        let biasSlot = layerParameters.slot(.bias) ?? 0
        let direct = P.isCounting || path == .reference
        switch operation {
        case .convolution:
            guard let g = geometries[index] else { return }
            if direct {
                DirectConvolution.run(g, input: inputs[0].pointer, weight: weight, weightSlot: weightSlot, bias: bias, biasSlot: biasSlot,
                                      activations: activations, output: output.pointer, kernels: kernels, probe: &probe)
            } else if g.isDepthwise {
                DepthwiseConvolution.run(g, input: inputs[0].pointer, weight: weight,
                                         epilogue: Epilogue(bias: bias, activations: activations), output: output.pointer, kernels: kernels)
            } else {
                FastConvolution.run(g, input: inputs[0].pointer, packed: packed[index],
                                    epilogue: Epilogue(bias: bias, activations: activations), output: output.pointer, scratch: scratch,
                                    kernels: kernels)
            }
        case .transposedConvolution:
            guard let g = geometries[index] else { return }
            if direct {
                DirectConvolution.transposed(g, input: inputs[0].pointer, weight: weight, weightSlot: weightSlot, bias: bias,
                                             biasSlot: biasSlot, activations: activations, output: output.pointer, probe: &probe)
            } else {
                FastConvolution.transposed(g, input: inputs[0].pointer, packed: packed[index],
                                           epilogue: Epilogue(bias: bias, activations: activations), output: output.pointer, scratch: scratch,
                                           kernels: kernels)
            }
        case .transposedConvolutionND(let conv):
            TransposedConvolutionNDKernel.run(conv, input: inputs[0], weight: weight, weightSlot: weightSlot, bias: bias, biasSlot: biasSlot,
                                              activations: activations, output: output, probe: &probe)
        case .convolutionND(let conv):
            ConvolutionNDKernel.run(conv, input: inputs[0], weight: weight, weightSource: .parameter(slot: weightSlot), bias: bias, biasSlot: biasSlot,
                                    activations: activations, output: output, probe: &probe)
        case .linear(let linear):
            let features = inputs[0].dims[inputs[0].dims.count - 1]
            LinearKernel.run(rows: inputs[0].elements / features, features: features, outFeatures: linear.outFeatures,
                             input: inputs[0].pointer, weight: weight, weightSlot: weightSlot, bias: bias, biasSlot: biasSlot,
                             activations: activations, output: output.pointer, kernels: kernels, probe: &probe)
        case .input, .constant, .unsupported, .fused, .dynamicConvolution, .matmul, .einsum, .lstm, .normalization, .activation, .softmax, .pooling, .poolingND,
             .globalPooling, .adaptivePooling, .reduction, .elementwise, .select, .cumulativeSum, .repeating, .take, .embedding, .gather, .gatherND, .scatterND, .elementIndexing, .concat, .slice, .channelShuffle, .reshape, .transpose,
             .identity, .upsample, .pad, .fold:
            // Not fusion bases (`FusionRole.base`): `execute` sends none of these here.
            return
        }
    }

    /// The zero-copy output of a view layer, or nil when the layer runs a kernel.
    func view(_ index: Int, _ layer: Layer, _ tensors: [Tensor?]) -> Tensor? {
        guard let first = layer.inputs.first, let input = tensors[first] else { return nil }
        switch layer.operation {
        case .identity:
            return input
        case .reshape:
            return input.contiguous(pool: pool).reshaped(layer.outputShape.dims)
        case .slice(let slice):
            let axis = slice.axis < 0 ? slice.axis + input.dims.count : slice.axis
            let size = input.dims[axis]
            let lower = min(max(slice.start < 0 ? slice.start + size : slice.start, 0), size)
            return input.sliced(axis: axis, start: lower, count: layer.outputShape.dims[axis], step: slice.step)
        case .input, .constant, .unsupported, .convolution, .transposedConvolution, .transposedConvolutionND, .convolutionND, .dynamicConvolution, .linear, .fused, .matmul, .einsum, .lstm,
             .normalization, .activation, .softmax, .pooling, .poolingND, .globalPooling, .adaptivePooling, .reduction, .elementwise, .select, .cumulativeSum, .repeating, .take, .embedding, .gather, .gatherND, .scatterND, .elementIndexing, .concat, .channelShuffle,
             .transpose, .upsample, .pad, .fold:
            return nil
        }
    }

    /// The geometry of the convolution kernel a layer runs (a fused layer runs its base's),
    /// and whether it is transposed; nil for layers that run no convolution, or whose
    /// shapes are not feature maps (a graph that `validate` refuses).
    static func convolutionGeometry(_ operation: Operation, inputs: [TensorShape], output: TensorShape)
        -> (geometry: ConvolutionGeometry, transposed: Bool)? {
        guard let input = inputs.first, input.rank == 4, output.rank == 4 else { return nil }
        switch operation {
        case .convolution(let conv):
            return (ConvolutionGeometry(conv, input: input, output: output), false)
        case .transposedConvolution(let conv):
            return (ConvolutionGeometry(conv, input: input, output: output), true)
        case .fused(let fused):
            return convolutionGeometry(fused.base, inputs: inputs, output: output)
        case .input, .constant, .unsupported, .convolutionND, .transposedConvolutionND, .dynamicConvolution, .linear, .matmul, .einsum, .lstm, .normalization, .activation, .softmax, .pooling,
             .poolingND, .globalPooling, .adaptivePooling, .reduction, .elementwise, .select, .cumulativeSum, .repeating, .take, .embedding, .gather, .gatherND, .scatterND, .elementIndexing, .concat,
             .slice, .channelShuffle, .reshape, .transpose, .identity, .upsample, .pad, .fold:
            return nil
        }
    }
}
