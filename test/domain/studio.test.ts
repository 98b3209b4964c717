import { describe, expect, it } from 'vitest';
import { imageIdleSupport, type StudioApp } from '@ops-bot/shared/domain/studio';
import { createPriceBook, parsePriceOverrides } from '@ops-bot/shared/domain/prices';

const app = (image?: StudioApp['image']): StudioApp => ({
  region: 'us-east-1',
  domainId: 'd-1',
  owner: 'space lab',
  appType: 'JupyterLab',
  appName: 'default',
  spaceName: 'lab',
  image,
});
const distribution = 'arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-gpu';

describe('Function: imageIdleSupport', () => {
  it('reads SageMaker Distribution 2.0 and later as able to shut down when idle, 1.x as not, a custom image as unknown', () => {
    expect(imageIdleSupport(app({ arn: distribution, versionAlias: '2.4.1' }))).toEqual({ supported: true, image: 'SageMaker Distribution 2.4.1' });
    expect(imageIdleSupport(app({ arn: distribution, versionAlias: '1.11.0' }))).toEqual({ supported: false, image: 'SageMaker Distribution 1.11.0' });
    expect(imageIdleSupport(app({ arn: distribution }))).toEqual({ supported: undefined, image: 'SageMaker Distribution (version not named)' });
    expect(imageIdleSupport(app({ arn: 'arn:aws:sagemaker:us-east-1:111122223333:image/team-conda' }))).toEqual({
      supported: undefined,
      image: 'custom image team-conda',
    });
    expect(imageIdleSupport(app())).toBeUndefined();
  });
});

describe('Function: parsePriceOverrides, MLflow sizes', () => {
  it('takes the admin price of a tracking server size, and refuses a size SageMaker does not have', () => {
    const overrides = parsePriceOverrides({ 'ml.g5.xlarge': 1.1, 'mlflow.small': 0.6 });
    const book = createPriceBook(overrides);
    expect(book.mlflowPrice('us-east-1', 'Small')).toEqual({ pricePerHour: 0.6, source: 'override' });
    expect(book.mlflowPrice('us-east-1', 'Large')).toBeUndefined();
    expect(book.source).toContain('PRICE_OVERRIDES for mlflow.small');
    expect(() => parsePriceOverrides({ 'mlflow.huge': 9 })).toThrow(/"mlflow\.huge", which is not an ml\.\* instance type or mlflow\.small/);
  });
});
