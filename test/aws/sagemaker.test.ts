import { afterEach, describe, expect, it } from 'vitest';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { createEndpointReader } from '@ops-bot/shared/aws/sagemaker';

const sageMaker = mockClient(SageMakerClient);

describe('Class: EndpointReader', () => {
  afterEach(() => sageMaker.reset());

  it('reads production and shadow variants with their instance types and current counts', async () => {
    // Prepare
    sageMaker.on(DescribeEndpointCommand).resolves({
      EndpointName: 'ep',
      EndpointConfigName: 'cfg',
      ProductionVariants: [
        { VariantName: 'A', CurrentInstanceCount: 2, DesiredInstanceCount: 2 },
        { VariantName: 'S', CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
      ],
      ShadowProductionVariants: [{ VariantName: 'Shadow', CurrentInstanceCount: 1 }],
    });
    sageMaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'cfg',
      ProductionVariants: [
        { VariantName: 'A', InstanceType: 'ml.g5.xlarge', ModelName: 'm' },
        { VariantName: 'S', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 }, ModelName: 'm' },
      ],
      ShadowProductionVariants: [{ VariantName: 'Shadow', InstanceType: 'ml.m5.large', ModelName: 'm' }],
    });
    const reader = createEndpointReader(new SageMakerClient({ region: 'us-east-1' }));

    // Act
    const variants = await reader.readEndpointCapacity('ep');

    // Assess
    expect(variants).toEqual([
      { variantName: 'A', role: 'production', instanceType: 'ml.g5.xlarge', serverless: false, currentInstanceCount: 2, modelName: 'm' },
      { variantName: 'S', role: 'production', serverless: true, currentInstanceCount: 0, modelName: 'm' },
      { variantName: 'Shadow', role: 'shadow', instanceType: 'ml.m5.large', serverless: false, currentInstanceCount: 1, modelName: 'm' },
    ]);
  });

  it('reads an endpoint config once however many endpoints share it', async () => {
    // Prepare
    sageMaker.on(DescribeEndpointCommand).callsFake(async (input) => ({
      EndpointName: input.EndpointName,
      EndpointConfigName: 'shared-cfg',
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
    }));
    sageMaker.on(DescribeEndpointConfigCommand).resolves({
      ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.m5.large', ModelName: 'm' }],
    });
    const reader = createEndpointReader(new SageMakerClient({ region: 'us-east-1' }));

    // Act
    await Promise.all(['a', 'b', 'c'].map((name) => reader.readEndpointCapacity(name)));

    // Assess
    expect(sageMaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 3);
    expect(sageMaker).toHaveReceivedCommandTimes(DescribeEndpointConfigCommand, 1);
  });

  it('tries a failed endpoint config again for the next endpoint', async () => {
    // Prepare
    sageMaker.on(DescribeEndpointCommand).resolves({ EndpointConfigName: 'cfg', ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }] });
    sageMaker
      .on(DescribeEndpointConfigCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.m5.large', ModelName: 'm' }] });
    const reader = createEndpointReader(new SageMakerClient({ region: 'us-east-1' }));

    // Act
    const first = reader.readEndpointCapacity('a');
    await expect(first).rejects.toThrow('Rate exceeded');
    const second = await reader.readEndpointCapacity('b');

    // Assess
    expect(second[0]?.instanceType).toBe('ml.m5.large');
  });
});
