// The one Powertools logger. Never pass member data (e-mail, phone, name, birthday, address) to it.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'dangol' });
